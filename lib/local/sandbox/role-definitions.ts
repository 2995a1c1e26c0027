import type { SandboxRoleName } from './sandbox-seed';

/** Built-in role definition GUIDs (the same in every tenant). */
export const ROLE_DEFINITION_IDS: Readonly<Record<SandboxRoleName, string>> = {
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  'Monitoring Reader': '43d0d8ad-25c7-4714-9337-8ba259a9fe05',
  'Key Vault Administrator': '00482a5a-887f-4fb3-b363-3b7fe8e74483',
  'Key Vault Secrets Officer': 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
};

/** Roles that grant ARM control-plane reads (every read action), including metrics. */
export const ARM_READ_ROLES: readonly SandboxRoleName[] = ['Owner', 'Contributor', 'Reader', 'Monitoring Reader'];

/** Roles that may read secret values. */
export const SECRET_READ_ROLES: readonly SandboxRoleName[] = [
  'Key Vault Administrator',
  'Key Vault Secrets Officer',
  'Key Vault Secrets User',
];

/** Roles that may set and delete secrets. */
export const SECRET_WRITE_ROLES: readonly SandboxRoleName[] = ['Key Vault Administrator', 'Key Vault Secrets Officer'];

/** Data roles that may write and delete blobs (Owner and Contributor on the account do NOT: they are control-plane roles). */
export const BLOB_WRITE_ROLES: readonly SandboxRoleName[] = [
  'Storage Blob Data Owner',
  'Storage Blob Data Contributor',
];

/** Data roles that may read and list blobs. */
export const BLOB_READ_ROLES: readonly SandboxRoleName[] = [...BLOB_WRITE_ROLES, 'Storage Blob Data Reader'];

/** The role that may send data through a data collection rule (Logs Ingestion API). */
export const LOGS_INGESTION_ROLES: readonly SandboxRoleName[] = ['Monitoring Metrics Publisher'];
