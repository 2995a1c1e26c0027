import { describe, expect, it } from 'vitest';
import { parseResourceId, SandboxState } from '../../../lib/local/sandbox/sandbox-state';

const HOME = '11111111-0000-4000-8000-000000000000';
const CUSTOMER = '22222222-0000-4000-8000-000000000000';
const SUB = '33333333-0000-4000-8000-000000000000';
const RG = `/subscriptions/${SUB}/resourceGroups/rg`;
const VM = `${RG}/providers/Microsoft.Compute/virtualMachines/vm1`;
const SP = { clientId: '44444444-0000-4000-8000-000000000000', objectId: '55555555-0000-4000-8000-000000000000' };

function newState(): SandboxState {
  return new SandboxState({
    homeTenantId: HOME,
    tenants: [{ tenantId: CUSTOMER }],
    subscriptions: [{ subscriptionId: SUB, tenantId: CUSTOMER }],
    apps: [{ tenantId: CUSTOMER, ...SP }],
    resources: [{ id: VM, location: 'westeurope' }],
  });
}

describe('SandboxState', () => {
  it('inherits a role from the subscription and resource group down to the resource', () => {
    const state = newState();
    const principal = state.findPrincipal(CUSTOMER, SP.objectId);
    expect(principal).toBeDefined();
    if (!principal) return;
    expect(state.hasRole(principal, VM, ['Reader'])).toBe(false);
    state.assignRole(SP.objectId, RG, 'Reader');
    expect(state.hasRole(principal, VM, ['Reader'])).toBe(true);
    expect(state.hasRole(principal, `/subscriptions/${SUB}`, ['Reader'])).toBe(false);
    expect(state.hasRole(principal, `${RG}x/providers/Microsoft.Compute/virtualMachines/vm1`, ['Reader'])).toBe(false);
    expect(state.removeRole(SP.objectId, RG, 'Reader')).toBe(1);
    expect(state.hasRole(principal, VM, ['Reader'])).toBe(false);
  });

  it('does not let the home-tenant managed identity use a role assigned in a customer subscription', () => {
    const state = newState();
    state.assignRole(state.managedIdentity.objectId, `/subscriptions/${SUB}`, 'Reader');
    const identity = state.findPrincipal(HOME, state.managedIdentity.objectId);
    expect(identity?.kind).toBe('managedIdentity');
    expect(identity && state.hasRole(identity, VM, ['Reader'])).toBe(false);
  });

  it('stops resolving a deleted app as a principal', () => {
    const state = newState();
    state.deleteApp(CUSTOMER, SP.clientId);
    expect(state.findPrincipal(CUSTOMER, SP.objectId)).toBeUndefined();
    state.deleteApp(CUSTOMER, SP.clientId, true);
    expect(state.findPrincipal(CUSTOMER, SP.objectId)?.clientId).toBe(SP.clientId);
  });

  it('finds resources case-insensitively and keeps their original id', () => {
    const state = newState();
    expect(state.findResource(VM.toLowerCase())?.id).toBe(VM);
    expect(state.findResource(VM)?.type).toBe('Microsoft.Compute/virtualMachines');
    expect(state.removeResource(VM)).toBe(true);
    expect(state.findResource(VM)).toBeUndefined();
  });

  it('versions vault secrets and soft-deletes them', () => {
    const state = newState();
    const first = state.setVaultSecret('s', 'one');
    state.setVaultSecret('s', 'two');
    expect(state.findVaultSecret('S')?.value).toBe('two');
    expect(state.findVaultSecret('s', first.version)?.value).toBe('one');
    expect(state.deleteVaultSecret('s')?.latest.value).toBe('two');
    expect(state.findVaultSecret('s')).toBeUndefined();
    expect(state.findDeletedVaultSecret('s')).toBeDefined();
  });

  it('uses an injected fault only as many times as asked', () => {
    const state = newState();
    state.injectFault({ service: 'arm', match: (p) => p.includes('vm1'), status: 429, retryAfterSeconds: 1, times: 2 });
    expect(state.takeFault('vault', VM)).toBeUndefined();
    expect(state.takeFault('arm', VM)?.status).toBe(429);
    expect(state.takeFault('arm', VM)?.status).toBe(429);
    expect(state.takeFault('arm', VM)).toBeUndefined();
  });

  it('refuses a resource in a subscription it does not know', () => {
    const state = newState();
    expect(() =>
      state.putResource({ id: VM.replace(SUB, '99999999-0000-4000-8000-000000000000'), location: 'x' }),
    ).toThrow(/No subscription/);
  });
});

describe('parseResourceId', () => {
  it('splits nested resource types', () => {
    expect(parseResourceId(`${RG}/providers/Microsoft.Sql/servers/s1/databases/db1`)).toEqual({
      subscriptionId: SUB,
      resourceGroup: 'rg',
      provider: 'Microsoft.Sql',
      type: 'Microsoft.Sql/servers/databases',
      name: 'db1',
    });
    expect(parseResourceId(RG)).toBeUndefined();
  });
});
