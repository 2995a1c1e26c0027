/** CU per second of a Fabric SKU: F64 → 64 (the number is the CU count for F SKUs). */
export function parseSkuCapacityUnits(sku: string | undefined): number {
  const units = Number(/^F(\d+)$/i.exec(sku ?? '')?.[1]);
  return Number.isFinite(units) && units > 0 ? units : 64;
}
