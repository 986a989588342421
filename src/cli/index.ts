/**
 * cli: the `vigil` command. One file per command group under commands/, registered in one table;
 * one error formatter and exit-code mapping (output.ts). `vigil up` calls app; commands that act on
 * a running server use the typed client that api exports. Imports: any lower layer.
 */
export { run, main, buildProgram } from './main.js';
export { EXIT, EXIT_BY_KIND, formatCliError, type Io } from './output.js';
