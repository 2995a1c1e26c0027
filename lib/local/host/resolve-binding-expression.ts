import { AppError } from '../../errors/app-error';

/**
 * Replaces `%NAME%` in a binding value (schedule, queueName, route) with the app setting,
 * as the host does when it indexes functions. An unknown setting fails start-up, as in Azure.
 */
export function resolveBindingExpression(value: string, appSettings: Readonly<Record<string, string>>): string {
  return value.replace(/%([^%]+)%/g, (_whole, name: string) => {
    const setting = appSettings[name];
    if (setting === undefined) {
      throw new AppError({
        kind: 'validation',
        code: 'MissingAppSetting',
        message: `Binding expression "${value}" names app setting "${name}", which is not set`,
      });
    }
    return setting;
  });
}
