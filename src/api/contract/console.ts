import { Type, type Static } from 'typebox';
import { contract, IsoTime, List, NoBody, vigilErrors } from './common.js';

export const Panel = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    query: Type.String({ minLength: 1, maxLength: 20_000 }),
    visualization: Type.Union([Type.Literal('line'), Type.Literal('area'), Type.Literal('column'), Type.Literal('table'), Type.Literal('events'), Type.Literal('single')]),
    earliest: Type.Optional(Type.String({ maxLength: 64 })),
    latest: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export const DashboardBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 256 }), description: Type.Optional(Type.String({ maxLength: 2000 })), panels: List(Panel, { maxItems: 50 }), version: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
export const DashboardView = Type.Object(
  { id: Type.String(), name: Type.String(), description: Type.String(), panels: List(Panel), version: Type.Integer(), createdAt: Type.Number({ description: 'epoch ms' }), updatedAt: Type.Number({ description: 'epoch ms' }) },
  { additionalProperties: false },
);
const DashboardId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const SessionView = Type.Object(
  { principal: Type.String({ description: 'session, token, access-key or none' }), csrfToken: Type.Optional(Type.String()), expiresAt: Type.Optional(IsoTime) },
  { additionalProperties: false },
);

/** The console's own routes: sign-in sessions, one-time sign-in links, dashboards. */
export const consoleContract = contract({
  signIn: {
    body: Type.Object({ token: Type.Optional(Type.String({ minLength: 1 })), ticket: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }),
    response: { 200: Type.Object({ csrfToken: Type.String(), expiresAt: IsoTime }, { additionalProperties: false }), ...vigilErrors },
  },
  session: { response: { 200: SessionView, ...vigilErrors } },
  signOut: { response: { 204: NoBody, ...vigilErrors } },
  createTicket: { response: { 200: Type.Object({ ticket: Type.String(), path: Type.String() }, { additionalProperties: false }), ...vigilErrors } },
  listDashboards: { response: { 200: Type.Object({ dashboards: List(DashboardView) }, { additionalProperties: false }), ...vigilErrors } },
  createDashboard: { body: DashboardBody, response: { 201: DashboardView, ...vigilErrors } },
  getDashboard: { params: DashboardId, response: { 200: DashboardView, ...vigilErrors } },
  replaceDashboard: { params: DashboardId, body: DashboardBody, response: { 200: DashboardView, ...vigilErrors } },
  deleteDashboard: { params: DashboardId, response: { 204: NoBody, ...vigilErrors } },
});

export type DashboardPanelView = Static<typeof Panel>;
export type DashboardBody = Static<typeof DashboardBody>;
export type DashboardView = Static<typeof DashboardView>;
export type SessionView = Static<typeof SessionView>;
