/** A real DynamoDB API on loopback (dynalite, in-memory LevelDB) with the dedup table created. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface LocalDynamo {
  readonly client: DynamoDBClient;
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startDynalite(tableName = 'dedup'): Promise<LocalDynamo> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as (opts: { createTableMs: number }) => Server;
  const server = dynalite({ createTableMs: 0 });
  // The SDK keeps connections alive and reuses them; Node's server drops an idle one after 5 s by default, and a
  // request sent on it at that moment fails with ECONNRESET (the client here does not retry). Keep idle
  // connections for the whole run instead; close() ends them.
  server.keepAliveTimeout = 10 * 60 * 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' },
    maxAttempts: 1,
  });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return {
    client,
    endpoint,
    close: async () => {
      client.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
