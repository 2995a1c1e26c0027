import type { DevelopmentPrincipal } from '../../lib/local/host/start-local-host';

/** An operator with Collector.Admin, as App Service Authentication would pass it. */
export const ADMIN_OPERATOR: DevelopmentPrincipal = {
  id: 'admin-object-id',
  name: 'ada@provider.example',
  roles: ['admin'],
};
/** An operator with Collector.Reader only. */
export const READER_OPERATOR: DevelopmentPrincipal = {
  id: 'reader-object-id',
  name: 'rita@provider.example',
  roles: ['reader'],
};
