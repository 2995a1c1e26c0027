import type { CatalogueEntry, DiagnosisContext } from './diagnosis-catalogue';

const id = (value: string | undefined, placeholder: string): string => value ?? `<${placeholder}>`;
const POWER_BI_API = 'https://api.powerbi.com/v1.0/myorg';

/** Adds the principal to the app's workspace as Contributor (Contributor implies Build on its datasets). */
const workspaceAccessCommands = (c: DiagnosisContext) => ({
  powershell:
    `# In tenant ${id(c.tenantId, 'tenant-id')} (customer), as an admin of the workspace (module MicrosoftPowerBIMgmt):\n` +
    `Connect-PowerBIServiceAccount -Tenant ${id(c.tenantId, 'tenant-id')}\n` +
    `$sp = Get-AzADServicePrincipal -ApplicationId ${id(c.clientId, 'client-id')}\n` +
    `Add-PowerBIWorkspaceUser -Id ${id(c.workspaceId, 'capacity-metrics-workspace-id')} -PrincipalType App -Identifier $sp.Id -AccessRight Contributor`,
  azCli:
    `az rest --method post --resource https://analysis.windows.net/powerbi/api ` +
    `--url ${POWER_BI_API}/groups/${id(c.workspaceId, 'capacity-metrics-workspace-id')}/users ` +
    `--body "{\\"identifier\\":\\"$(az ad sp show --id ${id(c.clientId, 'client-id')} --query id -o tsv)\\",\\"principalType\\":\\"App\\",\\"groupUserAccessRight\\":\\"Contributor\\"}"`,
});

/** A security group holding the principal: tenant settings are granted to groups. */
const securityGroupCommands = (c: DiagnosisContext) => ({
  powershell:
    `# In tenant ${id(c.tenantId, 'tenant-id')} (customer):\n` +
    `$g = New-AzADGroup -DisplayName 'ctc-fabric-readers' -MailNickname 'ctc-fabric-readers'\n` +
    `Add-AzADGroupMember -TargetGroupObjectId $g.Id -MemberObjectId (Get-AzADServicePrincipal -ApplicationId ${id(c.clientId, 'client-id')}).Id\n` +
    `# then Fabric Admin portal > Tenant settings (see the fix) > apply to group ctc-fabric-readers`,
  azCli:
    `az ad group create --display-name ctc-fabric-readers --mail-nickname ctc-fabric-readers\n` +
    `az ad group member add --group ctc-fabric-readers --member-id $(az ad sp show --id ${id(c.clientId, 'client-id')} --query id -o tsv)\n` +
    `# then Fabric Admin portal > Tenant settings (see the fix) > apply to group ctc-fabric-readers`,
});

/**
 * Why the Fabric CU path fails, one entry per cause, each naming who acts and the exact fix.
 * Tenant settings: https://learn.microsoft.com/fabric/admin/service-admin-portal-developer (Developer
 * settings: "Service principals can use Fabric APIs") and service-admin-portal-integration (Integration
 * settings: "Dataset Execute Queries REST API"); executeQueries needs dataset Read + Build
 * (https://learn.microsoft.com/rest/api/power-bi/datasets/execute-queries, Permissions).
 */
export const FABRIC_CATALOGUE: readonly CatalogueEntry[] = [
  {
    code: 'PowerBiServicePrincipalsDisabled',
    title: 'Service principals may not use the Fabric / Power BI APIs in this tenant',
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `Power BI answered 401 PowerBINotAuthorizedException to app ${id(c.clientId, 'client-id')} listing its workspaces: in tenant ` +
      `${id(c.tenantId, 'tenant-id')} the setting "Service principals can use Fabric APIs" is off, or does not include a group the app is in.`,
    fix: (c) =>
      `A Fabric administrator of tenant ${id(c.tenantId, 'tenant-id')} opens Fabric Admin portal > Tenant settings > Developer settings > ` +
      `"Service principals can use Fabric APIs", enables it for a security group and adds app ${id(c.clientId, 'client-id')}'s service principal to that group (changes take up to 15 minutes).`,
    commands: securityGroupCommands,
    docs: 'https://learn.microsoft.com/fabric/admin/service-admin-portal-developer',
  },
  {
    code: 'PowerBiExecuteQueriesRefused',
    title: 'Power BI refused executeQueries on the Capacity Metrics model',
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `Power BI answered 401 PowerBINotAuthorizedException to executeQueries on dataset ${id(c.datasetId, 'dataset-id')}: either the tenant ` +
      `setting "Dataset Execute Queries REST API" is off, or app ${id(c.clientId, 'client-id')} lacks Build on the dataset (Viewer only). Power BI does not say which.`,
    fix: (c) =>
      `1) A Fabric administrator enables Admin portal > Tenant settings > Integration settings > "Dataset Execute Queries REST API" ` +
      `(for the group that holds the app). 2) An admin of workspace ${id(c.workspaceId, 'capacity-metrics-workspace-id')} makes the app Contributor there (Contributor implies Build).`,
    commands: workspaceAccessCommands,
    docs: 'https://learn.microsoft.com/rest/api/power-bi/datasets/execute-queries#permissions',
  },
  {
    code: 'PowerBiWorkspaceAccessMissing',
    title: "The principal is not a member of the Capacity Metrics app's workspace",
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `App ${id(c.clientId, 'client-id')} does not see workspace ${id(c.workspaceId, 'capacity-metrics-workspace-id')}: it is not a member of it.`,
    fix: (c) =>
      `An admin of workspace ${id(c.workspaceId, 'capacity-metrics-workspace-id')} adds app ${id(c.clientId, 'client-id')} as Contributor ` +
      `(Power BI > the workspace > Manage access > Add people or groups).`,
    commands: workspaceAccessCommands,
    docs: 'https://learn.microsoft.com/fabric/fundamentals/give-access-workspaces',
  },
  {
    code: 'CapacityMetricsAppNotInstalled',
    title: 'No Capacity Metrics app model where the principal can see it',
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `None of the workspaces app ${id(c.clientId, 'client-id')} is a member of holds the "Fabric Capacity Metrics" semantic model: ` +
      'the app is not installed, or the principal was not added to its workspace.',
    fix: (c) =>
      'A capacity admin installs the Microsoft Fabric Capacity Metrics app (Power BI > Apps > Get apps > "Microsoft Fabric Capacity Metrics"), ' +
      `then adds app ${id(c.clientId, 'client-id')} as Contributor of the app's workspace; or the provider sets fabric.workspaceId and fabric.datasetId on customer ${id(c.customerId, 'customer')}.`,
    commands: workspaceAccessCommands,
    docs: 'https://learn.microsoft.com/fabric/enterprise/metrics-app-install',
  },
  {
    code: 'FabricCapacityNotVisible',
    title: 'Fabric does not list the capacity for the principal',
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `GET /v1/capacities lists only capacities the principal administers or contributes to; app ${id(c.clientId, 'client-id')} ` +
      `has no right on ${id(c.capacityName, 'capacity')}, so its model id cannot be matched.`,
    fix: (c) =>
      `A Fabric administrator opens Admin portal > Capacity settings > Fabric capacity > ${id(c.capacityName, 'capacity')} > ` +
      `Contributor permissions and adds the group holding app ${id(c.clientId, 'client-id')}.`,
    commands: securityGroupCommands,
    docs: 'https://learn.microsoft.com/rest/api/fabric/core/capacities/list-capacities',
  },
  {
    code: 'FabricCapacityNotInModel',
    title: "The capacity is not in the Capacity Metrics app's model",
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `Capacity ${id(c.capacityName, 'capacity')} (${id(c.capacityId, 'capacity-id')}) is missing from the Capacities table of dataset ` +
      `${id(c.datasetId, 'dataset-id')}: the app shows only capacities its installer administers, and the model was refreshed before this one was added.`,
    fix: (c) =>
      `Make the person who installed the app a capacity administrator of ${id(c.capacityName, 'capacity')}, then refresh the "Fabric Capacity Metrics" semantic model.`,
    commands: (c) => ({
      powershell: `Update-AzFabricCapacity -ResourceGroupName <resource-group> -CapacityName ${id(c.capacityName, 'capacity')} -AdministrationMember @('<installer-upn>', '<existing-admins>')`,
      azCli: `az fabric capacity update --resource-group <resource-group> --capacity-name ${id(c.capacityName, 'capacity')} --administration "{members:[<installer-upn>,<existing-admins>]}"`,
    }),
    docs: 'https://learn.microsoft.com/fabric/enterprise/metrics-app-install',
  },
  {
    code: 'FabricPullNeedsCustomerPrincipal',
    title: 'Power BI cannot be reached through Lighthouse or the provider identity',
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `Customer ${id(c.customerId, 'customer')} is reached with auth mode ${id(c.authMode, 'auth-mode')}: its tokens come from the provider's tenant. ` +
      'Azure Lighthouse delegates Azure Resource Manager only; Power BI and Fabric have no delegated access.',
    fix: (c) =>
      `The customer creates a principal of its own (an app registration with a secret or certificate, or consents to the provider's multi-tenant app) ` +
      `and the provider switches customer ${id(c.customerId, 'customer')} to that auth mode; or the customer pushes capacity events instead (fabric.mode "push").`,
    commands: (c) => ({
      powershell: `# In tenant ${id(c.tenantId, 'tenant-id')} (customer):\n$app = New-AzADApplication -DisplayName ctc-reader; New-AzADServicePrincipal -ApplicationId $app.AppId`,
      azCli: `az ad sp create-for-rbac --name ctc-reader --role Reader --scopes /subscriptions/<subscription-id>`,
    }),
    docs: 'https://learn.microsoft.com/azure/lighthouse/concepts/cross-tenant-management-experience',
  },
  {
    code: 'CapacityMetricsModelUnknown',
    title: "The Capacity Metrics app's model has a shape we do not know",
    who: 'provider',
    retryable: false,
    cause: () =>
      'The model answered none of the known version probes (app versions v37, v40, v44/v47, v53/v65): the app was updated and its tables or measures renamed.',
    fix: (c) =>
      `Provider: add the new shape to lib/fabric/capacity-metrics-shapes.ts from the raw message (what each probe answered). ` +
      `Meanwhile customer ${id(c.customerId, 'customer')} can pin the app's previous version in a separate workspace, or push capacity events (fabric.mode "push").`,
    docs: 'https://github.com/microsoft/fabric-toolbox/tree/main/monitoring/fabric-unified-admin-monitoring',
  },
];
