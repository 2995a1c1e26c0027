import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type RunningAzurite } from '../../../lib/local/azurite/start-azurite';
import { createLocalCertificate } from '../../../lib/local/tls/create-local-certificate';
import { trustCertificate } from '../../../lib/local/tls/trust-certificate';
import { writeCertificateFiles } from '../../../lib/local/tls/write-certificate-files';

describe('startAzurite', () => {
  let azurite: RunningAzurite;
  let certDir: string;

  beforeAll(async () => {
    const certificate = await createLocalCertificate();
    certDir = await mkdtemp(path.join(os.tmpdir(), 'azurite-test-'));
    const files = await writeCertificateFiles(certificate, certDir);
    trustCertificate(certificate.caPem);
    azurite = await startAzurite({ certPath: files.certPath, keyPath: files.keyPath });
  });

  afterAll(async () => {
    await azurite?.close();
    await rm(certDir, { recursive: true, force: true });
  });

  it('serves all three services over HTTPS on free ports of 127.0.0.1', () => {
    for (const endpoint of [azurite.blobEndpoint, azurite.queueEndpoint, azurite.tableEndpoint]) {
      expect(endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
      expect(endpoint).not.toContain(':0/');
    }
    expect(new Set([azurite.blobEndpoint, azurite.queueEndpoint, azurite.tableEndpoint]).size).toBe(3);
  });

  it('gives a connection string the table, queue and blob SDK clients accept', async () => {
    expect(azurite.connectionString).toContain(`QueueEndpoint=${azurite.queueEndpoint}`);
    const table = TableClient.fromConnectionString(azurite.connectionString, 'azuritetest');
    await table.createTable();
    await table.createEntity({ partitionKey: 'p', rowKey: 'r', value: 42 });
    expect((await table.getEntity<{ value: number }>('p', 'r')).value).toBe(42);

    const queue = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient('azuritetest');
    await queue.create();
    await queue.sendMessage(Buffer.from('hello').toString('base64'));
    const received = await queue.receiveMessages();
    expect(Buffer.from(received.receivedMessageItems[0]?.messageText ?? '', 'base64').toString()).toBe('hello');

    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'azuritetest',
    );
    await container.create();
    await container.getBlockBlobClient('a.txt').upload('abc', 3);
    expect((await container.getBlockBlobClient('a.txt').downloadToBuffer()).toString()).toBe('abc');
  });

  it('stops the process on close so the port refuses connections', async () => {
    const other = await startAzurite();
    expect(other.queueEndpoint).toMatch(/^http:\/\//);
    const queue = QueueServiceClient.fromConnectionString(other.connectionString, {
      retryOptions: { maxTries: 1 },
    }).getQueueClient('closed');
    await queue.create();
    await other.close();
    await expect(queue.getProperties()).rejects.toThrow();
  });
});
