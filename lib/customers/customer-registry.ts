import { odata, type TableClient } from '@azure/data-tables';
import { deleteEntityIfExists, findEntity } from '../store/table-entity';
import { fromJsonParts, MAX_JSON_CHARS, toJsonParts } from '../store/json-property-parts';
import { AppError } from '../errors/app-error';
import { validationError } from '../errors/validation-error';
import { customerSchema, defaultSecretName, type Customer, type CustomerInput } from './customer';

const PARTITION = 'customer';
/** The resource list is spread over several properties (`resourcesJson`, `resourcesJson1`, ...) of one entity. */
const MAX_RESOURCES_JSON_CHARS = MAX_JSON_CHARS;

type CustomerEntity = {
  partitionKey: string;
  rowKey: string;
  displayName: string;
  tenantId: string;
  clientId: string;
  authMode: string;
  secretName: string;
  enabled: boolean;
  /** Nested objects are not allowed in table entities, so the resource list is stored as JSON. */
  resourcesJson: string;
  /** The discovery settings as JSON; absent when the customer has none. */
  discoveryJson?: string;
  /** The Fabric capacity utilization settings as JSON; absent when the customer has none. */
  fabricJson?: string;
  /** Delivery to the customer's own storage (flat: table entities cannot nest); absent when not configured. */
  deliveryBlobServiceUrl?: string;
  deliveryContainer?: string;
};

/**
 * The customer registry in Table Storage. It holds identifiers and what to collect — never a secret:
 * the secret lives in Key Vault under `secretName`.
 */
export class CustomerRegistry {
  constructor(private readonly table: TableClient) {}

  /** Validates and applies defaults; throws a validation AppError naming every problem. */
  static validate(input: unknown): Customer {
    const result = customerSchema.safeParse(input);
    if (!result.success) throw validationError('InvalidCustomer', 'Customer', result.error);
    const customer = { ...result.data, secretName: result.data.secretName ?? defaultSecretName(result.data.id) };
    if (JSON.stringify(customer.resources).length > MAX_RESOURCES_JSON_CHARS) {
      throw new AppError({
        kind: 'validation',
        code: 'InvalidCustomer',
        message: `Customer is invalid: resources: the resource list is too large to store (max ${MAX_RESOURCES_JSON_CHARS} characters of JSON)`,
      });
    }
    return customer;
  }

  /** Creates or replaces a customer. @returns the stored, validated customer. */
  async put(input: CustomerInput | unknown): Promise<Customer> {
    const customer = CustomerRegistry.validate(input);
    await this.table.upsertEntity<CustomerEntity>(toEntity(customer), 'Replace');
    return customer;
  }

  /** The customer, or undefined when not registered. */
  async find(id: string): Promise<Customer | undefined> {
    const entity = await findEntity<CustomerEntity>(this.table, PARTITION, id);
    return entity && fromEntity(entity);
  }

  /** The customer; a notFound AppError when not registered. */
  async get(id: string): Promise<Customer> {
    const customer = await this.find(id);
    if (!customer) {
      throw new AppError({ kind: 'notFound', code: 'CustomerNotFound', message: `No customer with id "${id}"` });
    }
    return customer;
  }

  /** Every customer, ordered by id. */
  async list(): Promise<Customer[]> {
    const customers: Customer[] = [];
    const filter = odata`PartitionKey eq ${PARTITION}`;
    for await (const entity of this.table.listEntities<CustomerEntity>({ queryOptions: { filter } })) {
      customers.push(fromEntity(entity));
    }
    return customers;
  }

  /** Removes the registration. @returns false when there was none. */
  async remove(id: string): Promise<boolean> {
    return deleteEntityIfExists(this.table, PARTITION, id);
  }
}

function toEntity(customer: Customer): CustomerEntity {
  return {
    partitionKey: PARTITION,
    rowKey: customer.id,
    displayName: customer.displayName,
    tenantId: customer.tenantId,
    clientId: customer.clientId,
    authMode: customer.authMode,
    secretName: customer.secretName,
    enabled: customer.enabled,
    ...(toJsonParts('resourcesJson', JSON.stringify(customer.resources)) as { resourcesJson: string }),
    ...(customer.discovery ? { discoveryJson: JSON.stringify(customer.discovery) } : {}),
    ...(customer.fabric ? { fabricJson: JSON.stringify(customer.fabric) } : {}),
    ...(customer.delivery
      ? { deliveryBlobServiceUrl: customer.delivery.blobServiceUrl, deliveryContainer: customer.delivery.container }
      : {}),
  };
}

function fromEntity(entity: CustomerEntity): Customer {
  return CustomerRegistry.validate({
    id: entity.rowKey,
    displayName: entity.displayName,
    tenantId: entity.tenantId,
    clientId: entity.clientId,
    authMode: entity.authMode,
    secretName: entity.secretName,
    enabled: entity.enabled,
    resources: JSON.parse(fromJsonParts(entity, 'resourcesJson') ?? '[]') as unknown,
    ...(entity.discoveryJson ? { discovery: JSON.parse(entity.discoveryJson) as unknown } : {}),
    ...(entity.fabricJson ? { fabric: JSON.parse(entity.fabricJson) as unknown } : {}),
    ...(entity.deliveryBlobServiceUrl && entity.deliveryContainer
      ? { delivery: { blobServiceUrl: entity.deliveryBlobServiceUrl, container: entity.deliveryContainer } }
      : {}),
  });
}
