/**
 * Where the simulator keeps its state. In memory by default; `FileSimStore` also writes a JSON
 * snapshot after every change so a restarted simulator still knows its payments (and therefore
 * still refuses a second capture). Synchronous on purpose: each handler's read-check-write runs
 * without an await in between, which is what makes "capture exactly once" hold.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Shipment } from "./carrier/types.ts";
import type { IdempotencyRecord } from "./idempotency.ts";
import type { LedgerEntry, Payment, StoredPaymentMethod } from "./payments/types.ts";

export interface Collection<T> {
  get(id: string): T | undefined;
  put(id: string, value: T): void;
  delete(id: string): void;
  values(): T[];
}

export interface SimStore {
  payments: Collection<Payment>;
  paymentMethods: Collection<StoredPaymentMethod>;
  shipments: Collection<Shipment>;
  idempotency: Collection<IdempotencyRecord>;
  ledger: { append(entry: LedgerEntry): void; entries(): LedgerEntry[] };
}

interface Snapshot {
  version: 1;
  payments: Record<string, Payment>;
  /** Absent in snapshots written before the hosted card step existed. */
  paymentMethods?: Record<string, StoredPaymentMethod>;
  shipments: Record<string, Shipment>;
  idempotency: Record<string, IdempotencyRecord>;
  ledger: LedgerEntry[];
}

class MapCollection<T> implements Collection<T> {
  constructor(
    readonly map: Map<string, T>,
    private readonly onChange: () => void,
  ) {}
  get(id: string): T | undefined {
    return this.map.get(id);
  }
  put(id: string, value: T): void {
    this.map.set(id, value);
    this.onChange();
  }
  delete(id: string): void {
    if (this.map.delete(id)) this.onChange();
  }
  values(): T[] {
    return [...this.map.values()];
  }
}

export class MemorySimStore implements SimStore {
  readonly payments: MapCollection<Payment>;
  readonly paymentMethods: MapCollection<StoredPaymentMethod>;
  readonly shipments: MapCollection<Shipment>;
  readonly idempotency: MapCollection<IdempotencyRecord>;
  readonly ledger: SimStore["ledger"];
  protected readonly ledgerEntries: LedgerEntry[];

  constructor(initial?: Snapshot) {
    const changed = () => this.changed();
    this.payments = new MapCollection(new Map(Object.entries(initial?.payments ?? {})), changed);
    this.paymentMethods = new MapCollection(
      new Map(Object.entries(initial?.paymentMethods ?? {})),
      changed,
    );
    this.shipments = new MapCollection(new Map(Object.entries(initial?.shipments ?? {})), changed);
    this.idempotency = new MapCollection(
      new Map(Object.entries(initial?.idempotency ?? {})),
      changed,
    );
    this.ledgerEntries = [...(initial?.ledger ?? [])];
    this.ledger = {
      append: (entry) => {
        this.ledgerEntries.push(entry);
        this.changed();
      },
      entries: () => [...this.ledgerEntries],
    };
  }

  protected changed(): void {
    // Memory only: nothing to flush.
  }

  snapshot(): Snapshot {
    return {
      version: 1,
      payments: Object.fromEntries(this.payments.map),
      paymentMethods: Object.fromEntries(this.paymentMethods.map),
      shipments: Object.fromEntries(this.shipments.map),
      idempotency: Object.fromEntries(this.idempotency.map),
      ledger: [...this.ledgerEntries],
    };
  }
}

export class FileSimStore extends MemorySimStore {
  private constructor(
    private readonly path: string,
    initial: Snapshot | undefined,
  ) {
    super(initial);
  }

  static open(path: string): FileSimStore {
    if (!existsSync(path)) return new FileSimStore(path, undefined);
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Snapshot;
    if (parsed.version !== 1)
      throw new Error(`${path}: unsupported snapshot version ${String(parsed.version)}`);
    return new FileSimStore(path, parsed);
  }

  protected override changed(): void {
    // The base constructor calls nothing that changes state, but guard for field init order.
    if (!this.path) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    // Write-then-rename: a crash mid-write leaves the previous snapshot intact.
    writeFileSync(tmp, JSON.stringify(this.snapshot()));
    renameSync(tmp, this.path);
  }
}
