// Loaded with import() when a command makes a key pair: the X.509 library.
export { createKeyAndCsr } from '../registry/index.js';
