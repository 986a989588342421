/** How a dashboard panel shows its search. */
export type PanelVisualization = 'line' | 'area' | 'column' | 'table' | 'events' | 'single';

/** One panel: an SPL search and how to show it. */
export interface DashboardPanel {
  readonly title: string;
  readonly query: string;
  readonly visualization: PanelVisualization;
  /** Time range (SPL time modifiers, e.g. `-24h`); the dashboard's picker applies when absent. */
  readonly earliest?: string;
  readonly latest?: string;
}

/** A user dashboard of the console: an ordered list of panels. */
export interface Dashboard {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly panels: readonly DashboardPanel[];
  /** Goes up by one on every update (optimistic concurrency). */
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Storage port for console dashboards. */
export interface DashboardStore {
  list(): Promise<Dashboard[]>;
  get(id: string): Promise<Dashboard | undefined>;
  /** False when the id exists. */
  create(dashboard: Dashboard): Promise<boolean>;
  /** Replaces name/description/panels when the stored version equals `expectedVersion`; returns the stored dashboard, or 'missing' / 'conflict'. */
  update(id: string, change: Pick<Dashboard, 'name' | 'description' | 'panels'>, expectedVersion: number, now: number): Promise<Dashboard | 'missing' | 'conflict'>;
  delete(id: string): Promise<boolean>;
}
