import { Type, type Static, type TArray, type TArrayOptions, type TImmutable, type TProperties, type TSchema, type TUnsafe } from 'typebox';

/** The error body of AWS-compatible routes (rest-json); the `x-amzn-ErrorType` header names the exception. */
export const AwsErrorBody = Type.Object({ message: Type.String() }, { additionalProperties: false, description: 'AWS rest-json error; the x-amzn-ErrorType header names the exception' });

/** The error body of Firehose's AWS JSON 1.1 routes. */
export const AwsJsonErrorBody = Type.Object({ __type: Type.String(), message: Type.String() }, { additionalProperties: false, description: 'AWS JSON 1.1 error' });

/** The error body of Vigil-native routes: a stable code, a message and, where it helps, a hint. */
export const VigilErrorBody = Type.Object({ code: Type.String(), message: Type.String(), hint: Type.Optional(Type.String()) }, { additionalProperties: false });

/** Every error status an AWS rest-json route can answer (validation, auth, not found, conflict, limits, internal). */
export const awsErrors = { '4xx': AwsErrorBody, '5xx': AwsErrorBody } as const;
/** Vigil-native routes answer `{code, message, hint}`; an auth failure of a SigV4-signed request is answered AWS's way. */
export const vigilErrors = { '4xx': Type.Union([VigilErrorBody, AwsErrorBody]), '5xx': VigilErrorBody } as const;

/** A JSON array whose static type is readonly, so domain objects' readonly arrays fit it. */
export function List<T extends TSchema>(items: T, options?: TArrayOptions): TImmutable<TArray<T>> {
  return Type.Immutable(Type.Array(items, options)) as TImmutable<TArray<T>>;
}

/**
 * AWS's maxima for the resource names routes take in their paths (AWS IoT and Firehose API
 * references). The contract holds each path name to its maximum (a longer one is a 400 naming the
 * parameter); the engines check the characters, with their own messages.
 */
export const NAME_MAX = {
  thing: 128,
  thingGroup: 128,
  policy: 128,
  rule: 128,
  securityProfile: 128,
  dimension: 128,
  customMetric: 128,
  mitigationAction: 128,
  scheduledAudit: 128,
  deliveryStream: 64,
} as const;

/** A name in a path: 1 to `max` characters. */
export const PathName = (max: number): ReturnType<typeof Type.String> => Type.String({ minLength: 1, maxLength: max });

/** An empty JSON object (`{}`): what AWS answers for operations without output. */
export const Empty = Type.Object({}, { additionalProperties: false });

/** No body (204, or an AWS 200 without output). */
export const NoBody: TUnsafe<undefined> = Type.Unsafe<undefined>(Type.Null({ description: 'no body' }));

/**
 * An object with the given members and any others (passed through as stored, e.g. AWS shapes Vigil
 * keeps verbatim, or settings another component checks); its static type allows the others too.
 */
export function Open<P extends TProperties>(properties: P, description?: string): TUnsafe<Static<ReturnType<typeof Type.Object<P>>> & { [key: string]: unknown }> {
  return Type.Unsafe<Static<ReturnType<typeof Type.Object<P>>> & { [key: string]: unknown }>(Type.Object(properties, { additionalProperties: true, ...(description === undefined ? {} : { description }) }));
}

/** A JSON object answered as stored (an AWS shape Vigil keeps verbatim); statically any object. */
export const Stored = (description?: string): TUnsafe<object> => Type.Unsafe<object>(Type.Object({}, { additionalProperties: true, ...(description === undefined ? {} : { description }) }));

/** Any JSON object. */
export const OpenObject = (description?: string): TUnsafe<{ [key: string]: unknown }> => Open({}, description);

/** rest-json timestamps in bodies: epoch seconds (may be fractional). */
export const EpochSeconds = Type.Number({ description: 'epoch seconds' });

/** ISO-8601 time as Vigil-native routes answer it. */
export const IsoTime = Type.String({ description: 'ISO-8601 time' });

/** The `x-amz-tagging` style tag list AWS bodies carry. */
export const Tags = List(Type.Object({ Key: Type.String(), Value: Type.Optional(Type.String()) }, { additionalProperties: true }));

/** A route's schemas: params, query, body, headers and a response per status. */
export interface RouteContract {
  readonly params?: TSchema;
  readonly querystring?: TSchema;
  readonly body?: TSchema;
  readonly headers?: TSchema;
  readonly response: Readonly<Record<string, TSchema>>;
}

/** Declares a route family's contract as a table (keeps literal types for the type provider). */
export function contract<T extends Record<string, RouteContract>>(routes: T): T {
  return routes;
}

/** The 200 answer of a route, as its contract types it (clients use this). */
export type Ok<R extends { readonly response: { readonly 200: TSchema } }> = Static<R['response'][200]>;
/** The body a route takes, as its contract types it. */
export type Body<R extends { readonly body: TSchema }> = Static<R['body']>;
