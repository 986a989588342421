import { Type, type Static } from 'typebox';
import { contract, IsoTime, List, NoBody, vigilErrors } from './common.js';

export const AccessKeySummary = Type.Object({ accessKeyId: Type.String(), description: Type.String(), createdAt: IsoTime }, { additionalProperties: false });
export const CreatedAccessKey = Type.Object({ accessKeyId: Type.String(), secretAccessKey: Type.String(), description: Type.String(), createdAt: IsoTime }, { additionalProperties: false });

/** `/api/v1/access-keys`: SigV4 keys for AWS SDK clients. */
export const accessKeysContract = contract({
  create: { body: Type.Optional(Type.Object({ description: Type.Optional(Type.String({ maxLength: 256 })) }, { additionalProperties: false })), response: { 201: CreatedAccessKey, ...vigilErrors } },
  list: { response: { 200: Type.Object({ accessKeys: List(AccessKeySummary) }, { additionalProperties: false }), ...vigilErrors } },
  delete: { params: Type.Object({ accessKeyId: Type.String() }), response: { 204: NoBody, ...vigilErrors } },
});

export type AccessKeySummary = Static<typeof AccessKeySummary>;
export type CreatedAccessKey = Static<typeof CreatedAccessKey>;
