import { describe, expect, it } from 'vitest';
import { foreignArns, rewriteForeignArns } from './account-arns.js';

const account = { region: 'local', accountId: '000000000000' };
const doc = (Statement: unknown) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('foreign ARNs in policy documents', () => {
  it('finds literal regions or accounts other than the server\'s, in Resource and NotResource, single or listed', () => {
    const found = foreignArns(
      doc([
        { Effect: 'Allow', Action: 'iot:Connect', Resource: 'arn:aws:iot:eu-west-1:123456789012:client/a' },
        { Effect: 'Deny', NotAction: 'iot:Connect', NotResource: ['arn:aws:iot:local:000000000000:topic/ok', 'arn:aws:iot:local:111111111111:topic/x'] },
      ]),
      account,
    );
    expect(found).toEqual([
      { path: 'Statement[0].Resource', arn: 'arn:aws:iot:eu-west-1:123456789012:client/a', rewritten: 'arn:aws:iot:local:000000000000:client/a' },
      { path: 'Statement[1].NotResource[1]', arn: 'arn:aws:iot:local:111111111111:topic/x', rewritten: 'arn:aws:iot:local:000000000000:topic/x' },
    ]);
  });

  it('leaves wildcards, variables, empty fields and non-ARNs alone', () => {
    const statement = { Effect: 'Allow', Action: 'iot:*', Resource: ['*', 'arn:aws:iot:*:*:topic/a', 'arn:aws:iot:eu-?:${aws:Account}:client/b', 'arn:aws:s3:::bucket', 'arn:aws:iam::000000000000:role/r'] };
    expect(foreignArns(doc(statement), account)).toEqual([]);
    const unchanged = doc(statement);
    expect(rewriteForeignArns(unchanged, account)).toEqual({ document: unchanged, rewritten: [] });
  });

  it('rewrites to the server\'s region and account, keeping the rest of the document', () => {
    const { document, rewritten } = rewriteForeignArns(doc({ Effect: 'Allow', Action: 'iot:Publish', Resource: 'arn:aws:iot:eu-west-1:123456789012:topic/${iot:ClientId}/*', Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } }), account);
    expect(rewritten).toHaveLength(1);
    expect(JSON.parse(document)).toEqual({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'iot:Publish', Resource: 'arn:aws:iot:local:000000000000:topic/${iot:ClientId}/*', Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } } });
  });
});
