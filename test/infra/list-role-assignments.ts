import { findBlockEnd } from './find-block-end';
import { maskBicepText } from './mask-bicep-text';

export interface RoleAssignmentDecl {
  /** Symbolic resource name, e.g. `appBlobDataOwner`. */
  readonly resource: string;
  /** The arguments of `name: guid(…)`, trimmed, e.g. `['storageAccount.id', 'appPrincipalId', 'storageBlobDataOwnerRoleId']`. */
  readonly nameGuidArgs: readonly string[];
  /** The symbolic resource in `scope: x`. */
  readonly scope: string | undefined;
  /** The expression in `principalId: x`. */
  readonly principalId: string | undefined;
  /** The identifier passed as the role in `roleDefinitionId: …(…, x)`; undefined when it is not an identifier. */
  readonly roleDefinitionVar: string | undefined;
}

/** Lists every `Microsoft.Authorization/roleAssignments` resource declared in a Bicep file. */
export function listRoleAssignments(bicep: string): RoleAssignmentDecl[] {
  const masked = maskBicepText(bicep);
  const withStrings = maskBicepText(bicep, { keepStrings: true });
  const found: RoleAssignmentDecl[] = [];
  for (const match of masked.matchAll(/^[ \t]*resource[ \t]+(\w+)[ \t]+'/gm)) {
    const typeStart = (match.index ?? 0) + match[0].length;
    const type = bicep.slice(typeStart, bicep.indexOf("'", typeStart));
    if (!type.startsWith('Microsoft.Authorization/roleAssignments@')) continue;
    const open = masked.indexOf('{', typeStart);
    const close = findBlockEnd(masked, open) + 1;
    const body = masked.slice(open, close);
    const guidArgs = /\bname\s*:\s*guid\(([^)]*)\)/.exec(withStrings.slice(open, close))?.[1];
    found.push({
      resource: match[1] ?? '',
      nameGuidArgs: guidArgs ? guidArgs.split(',').map((a) => a.trim()) : [],
      scope: /\bscope\s*:\s*(\w+)/.exec(body)?.[1],
      principalId: /\bprincipalId\s*:\s*([\w.]+)/.exec(body)?.[1],
      roleDefinitionVar: /\broleDefinitionId\s*:\s*\w+\([^,)]*,\s*(\w+)\s*\)/.exec(body)?.[1],
    });
  }
  return found;
}
