/**
 * The orchestrator: one function per step, each idempotent. A step loads the order from its
 * events, does nothing unless the order is exactly where that step starts (so a re-delivered or
 * duplicated job is a no-op), performs its side effect with an idempotency key derived from the
 * order id + step, then appends its events with the expected version and enqueues the next step
 * (or, for the steps a pool chains, runs it in the same job: `CHAINED_IN_PAYMENTS_POOL`).
 */
import { core } from "@agora/db";
import { inSpan } from "@agora/telemetry";
import { CircuitOpenError, TimeoutError } from "@agora/resilience";
import type { StockReservation } from "../../stock/reserve-stock.ts";
import { inventoryStock, type StockService } from "../../stock/stock-service.ts";
import {
  appendEvents,
  ConcurrencyConflictError,
  CORE_TX_OPTIONS,
  linesByVendor,
  loadOrder,
  nextStep,
  OrderNotFoundError,
  type Compensation,
  type CheckoutAdmission,
  type CoreTx,
  type FailureReason,
  type OrderEvent,
  type OrderState,
  type OrderStatus,
  type SagaEnqueue,
  type SagaStep,
} from "@agora/orders";
import { releaseAdmission } from "./admission.ts";
import { captureLegs, postLedgerTransaction } from "./ledger.ts";
import {
  PaymentDeclinedError,
  PaymentNotExecutedError,
  PaymentProviderError,
  PaymentRejectedError,
  type PaymentGateway,
  type ProviderPayment,
} from "./payment-gateway.ts";

export interface SagaDeps {
  /** Only the payments pool has the provider; the sagas pool forwards provider steps to it. */
  payments?: PaymentGateway;
  enqueue: SagaEnqueue;
  /** Stock reservation; default: the inventory gRPC service (AGORA_INVENTORY_TARGET). */
  stock?: StockService;
  /** Checkout admission control: an order that ends gives its permit back (./admission.ts). */
  admission?: CheckoutAdmission | null;
}

const stockOf = (deps: SagaDeps): StockService => deps.stock ?? inventoryStock();

function provider(deps: SagaDeps): PaymentGateway {
  if (!deps.payments)
    throw new Error("a payment step ran outside the payments pool, which alone calls the provider");
  return deps.payments;
}

export interface StepResult {
  orderId: string;
  step: SagaStep;
  outcome: "applied" | "skipped";
  status: OrderStatus;
  next: SagaStep | null;
}

/** Simulator idempotency keys: stable per order and step, so every retry of a step is the same request. */
export const paymentKey = (orderId: string, step: "authorize" | "capture" | "void" | "refund") =>
  `${orderId}:${step}`;

async function commit(
  state: OrderState,
  events: OrderEvent[],
  extra?: (tx: CoreTx) => Promise<void>,
): Promise<OrderState> {
  return core().primary.$transaction(async (tx) => {
    await extra?.(tx);
    return appendEvents(tx, state, events);
  }, CORE_TX_OPTIONS);
}

function fail(
  state: OrderState,
  reason: FailureReason,
  detail: string,
  failedStep: SagaStep,
): Promise<OrderState> {
  return commit(state, [{ type: "CompensationStarted", payload: { reason, detail, failedStep } }]);
}

async function reserve(state: OrderState, deps: SagaDeps): Promise<OrderState> {
  const stock = stockOf(deps);
  const reserved: StockReservation[] = [];
  // Vendors in a fixed order so concurrent checkouts of the same vendors lock shards alike.
  const vendors = [...linesByVendor(state.placed.items).entries()].sort(([a], [b]) =>
    a.localeCompare(b),
  );
  for (const [vendorId, items] of vendors) {
    const r = await stock.reserve({
      orderId: state.id,
      vendorId,
      lines: items.map(({ productId, variantId, quantity }) => ({
        productId,
        variantId,
        quantity,
      })),
      totalCents: items.reduce((s, i) => s + i.quantity * i.unitPriceCents, 0),
      currency: state.placed.currency,
    });
    if (r.status !== "RESERVED") {
      const what = r.shortProductId ? `product ${r.shortProductId}` : `reservation ${r.status}`;
      const detail = `${what} of vendor ${vendorId} is out of stock`;
      // Vendors reserved before this one are released by the compensate step. When nothing is
      // held anywhere (the common sold-out case) there is nothing to compensate: fail at once.
      if (reserved.length > 0) return fail(state, "out_of_stock", detail, "reserve-stock");
      return commit(state, [
        {
          type: "CompensationStarted",
          payload: { reason: "out_of_stock", detail, failedStep: "reserve-stock" },
        },
        { type: "OrderFailed", payload: { reason: "out_of_stock", detail, compensations: [] } },
      ]);
    }
    reserved.push(r);
  }
  return commit(state, [
    {
      type: "StockReserved",
      payload: {
        vendors: reserved.map((r) => ({ vendorId: r.vendorId, allocations: r.allocations })),
      },
    },
  ]);
}

/** Why a payment call failed, in the order's words; null when the step should simply be retried. */
function paymentFailure(err: unknown): { reason: FailureReason; detail: string } | null {
  // Nothing ran at the provider: the reason is whatever stopped the call (open circuit, outage).
  if (err instanceof PaymentNotExecutedError) return paymentFailure(err.original);
  if (err instanceof PaymentDeclinedError)
    return { reason: "payment_declined", detail: err.declineCode };
  if (err instanceof CircuitOpenError)
    return { reason: "payment_unavailable", detail: `circuit_open: ${err.message}` };
  if (err instanceof TimeoutError) return { reason: "payment_timeout", detail: err.message };
  if (err instanceof PaymentProviderError)
    return { reason: "payment_unavailable", detail: err.message };
  if (err instanceof PaymentRejectedError) {
    // Still "in progress" after our bounded retries: an earlier attempt of ours hangs at the
    // provider. Treat it as the timeout it is, or the order would hold its stock indefinitely.
    if (err.retryable)
      return { reason: "payment_timeout", detail: `provider still processing: ${err.code}` };
    return { reason: "payment_declined", detail: `rejected: ${err.code}` };
  }
  return null;
}

async function authorize(state: OrderState, deps: SagaDeps): Promise<OrderState> {
  const key = paymentKey(state.id, "authorize");
  const amountCents = state.placed.totalCents;
  let payment: ProviderPayment;
  try {
    payment = await provider(deps).authorize(
      {
        orderId: state.id,
        amountCents,
        currency: state.placed.currency,
        paymentMethodId: state.placed.paymentMethod.id,
      },
      key,
    );
  } catch (err) {
    const failure = paymentFailure(err);
    // Anything else (a bug, an unexpected answer) is retried by the job, then by the sweep.
    if (!failure) throw err;
    return fail(state, failure.reason, failure.detail, "authorize-payment");
  }
  return commit(
    state,
    [
      { type: "PaymentAuthorized", payload: { paymentId: payment.id, amountCents } },
      // Confirmed in the same commit: nothing can happen between an authorization and the
      // order's confirmation, and a step of its own cost every order one more queue hop, event
      // fold and synchronously replicated commit. confirm-order still moves an order that was
      // left at PAYMENT_AUTHORIZED (authorized before this, or by an older worker).
      { type: "OrderConfirmed", payload: {} },
    ],
    async (tx) => {
      await tx.payment.upsert({
        where: { idempotencyKey: key },
        create: {
          orderId: state.id,
          amountCents,
          currency: state.placed.currency,
          status: "authorized",
          providerRef: payment.id,
          idempotencyKey: key,
        },
        update: { status: "authorized", providerRef: payment.id },
      });
    },
  );
}

async function capture(state: OrderState, deps: SagaDeps): Promise<OrderState> {
  const paymentId = state.paymentId;
  if (!paymentId) throw new Error(`order ${state.id} is CONFIRMED without an authorization`);
  let captured: ProviderPayment;
  try {
    captured = await provider(deps).capture(paymentId, paymentKey(state.id, "capture"));
  } catch (err) {
    // Definitive refusal (voided, expired, not capturable): compensate, which voids. Transient
    // errors (outage, open circuit, timeout) retry: capture is exactly-once at the provider.
    if (err instanceof PaymentRejectedError && !err.retryable)
      return fail(state, "capture_failed", err.code, "capture-payment");
    throw err;
  }
  return commitCapture(state, captured.id);
}

async function commitCapture(state: OrderState, paymentId: string): Promise<OrderState> {
  return core().primary.$transaction(async (tx) => {
    const ledgerTransactionId = await postLedgerTransaction(
      tx,
      state.id,
      state.placed.currency,
      captureLegs(state.placed.items, state.placed.shipping),
      `capture of order ${state.id}`,
    );
    await tx.payment.updateMany({
      where: { idempotencyKey: paymentKey(state.id, "authorize") },
      data: { status: "captured" },
    });
    return appendEvents(tx, state, [
      {
        type: "PaymentCaptured",
        payload: { paymentId, amountCents: state.placed.totalCents, ledgerTransactionId },
      },
    ]);
  }, CORE_TX_OPTIONS);
}

async function commitOrderStock(state: OrderState, deps: SagaDeps): Promise<OrderState> {
  const vendorIds = [...linesByVendor(state.placed.items).keys()].sort();
  for (const vendorId of vendorIds) await stockOf(deps).commit(state.id, vendorId);
  return commit(state, [
    { type: "StockCommitted", payload: { vendorIds } },
    { type: "OrderReadyForFulfilment", payload: {} },
  ]);
}

/** Failures where the provider may hold an authorization we never heard about. */
const AMBIGUOUS: readonly FailureReason[] = ["payment_timeout", "payment_unavailable"];

async function compensate(state: OrderState, deps: SagaDeps): Promise<OrderState> {
  const failure = state.failure;
  if (!failure) throw new Error(`order ${state.id} is COMPENSATING without a failure`);
  const compensations: Compensation[] = [];
  const vendorIds = [...linesByVendor(state.placed.items).keys()].sort();
  for (const vendorId of vendorIds) await stockOf(deps).release(state.id, vendorId);
  compensations.push("release-stock");

  let paymentId = state.paymentId;
  if (!paymentId && AMBIGUOUS.includes(failure.reason)) {
    try {
      const found = (await provider(deps).listByOrder(state.id)).find(
        (p) => p.status === "authorized",
      );
      paymentId = found?.id ?? null;
    } catch (err) {
      // The provider is unreachable: it cannot confirm there is no hold. Say so instead of
      // blocking the order (and the shopper) until it is back; the hold expires at the provider.
      if (!paymentFailure(err)) throw err;
      compensations.push("void-unverified");
    }
  }
  const events: OrderEvent[] = [{ type: "StockReleased", payload: { vendorIds } }];
  if (paymentId) {
    // Transient failures throw and retry the whole (idempotent) step.
    await provider(deps).void(paymentId, paymentKey(state.id, "void"));
    compensations.push("void-payment");
    events.push({ type: "PaymentVoided", payload: { paymentId } });
  }
  const payload = { reason: failure.reason, detail: failure.detail, compensations };
  events.push(
    state.confirmed ? { type: "OrderCancelled", payload } : { type: "OrderFailed", payload },
  );
  return commit(state, events, async (tx) => {
    if (paymentId)
      await tx.payment.updateMany({
        where: { idempotencyKey: paymentKey(state.id, "authorize") },
        data: { status: "voided" },
      });
  });
}

const STEPS: Record<SagaStep, (state: OrderState, deps: SagaDeps) => Promise<OrderState>> = {
  "reserve-stock": reserve,
  "authorize-payment": authorize,
  "confirm-order": (state) => commit(state, [{ type: "OrderConfirmed", payload: {} }]),
  "capture-payment": capture,
  "commit-stock": commitOrderStock,
  compensate,
};

/**
 * Steps the payments pool runs in the same job when the step before them ends there. The
 * authorization commits the confirmation with it, so what follows it is the capture — on the same
 * `payments` queue: its own job cost a BullMQ round trip, a wait for a free slot and a second load
 * of the order's events. A compensation (after a decline or a refused capture) is provider work
 * too; `confirm-order` only moves an order an older worker left at PAYMENT_AUTHORIZED. The stock
 * steps (reserve, commit) stay on the `sagas` queue, so the payments bulkhead holds only provider
 * work and the commits between its calls.
 */
export const CHAINED_IN_PAYMENTS_POOL: readonly SagaStep[] = [
  "confirm-order",
  "capture-payment",
  "compensate",
];

export interface RunOptions {
  /** Steps to run in this call, one after the other, instead of queueing them (the pools' chaining). */
  chain?: readonly SagaStep[];
  /** Told about each step run in this call (the first included), for logs and metrics. */
  onStep?: (result: StepResult) => void;
  /** Told about a chained step that failed (and was queued as its own job), for logs and metrics. */
  onChainedError?: (step: SagaStep, err: unknown) => void;
}

type Applied = { result: StepResult; after?: OrderState };

async function applyStep(
  orderId: string,
  step: SagaStep,
  deps: SagaDeps,
  known?: OrderState,
): Promise<Applied> {
  const state = known ?? (await loadOrder(orderId));
  if (!state) throw new OrderNotFoundError(orderId);
  if (nextStep(state.status) !== step)
    return {
      result: {
        orderId,
        step,
        outcome: "skipped",
        status: state.status,
        next: nextStep(state.status),
      },
    };
  try {
    const after = await STEPS[step](state, deps);
    const next = nextStep(after.status);
    return { result: { orderId, step, outcome: "applied", status: after.status, next }, after };
  } catch (err) {
    // Someone else (a duplicate job) applied this step first and enqueued what follows.
    if (!(err instanceof ConcurrencyConflictError)) throw err;
    const now = await loadOrder(orderId);
    const status = now?.status ?? state.status;
    return { result: { orderId, step, outcome: "skipped", status, next: nextStep(status) } };
  }
}

/**
 * Runs `step` for `orderId` if the order is waiting for it; otherwise changes nothing. Then queues
 * the step that follows — or, when it is in `options.chain`, runs it here from the state the step
 * just committed (no reload): a chained step is the same idempotent step a job would run. One that
 * fails is queued as its own job, with the job's retries, rather than failing the step that
 * already committed.
 */
export async function runSagaStep(
  orderId: string,
  step: SagaStep,
  deps: SagaDeps,
  options: RunOptions = {},
): Promise<StepResult> {
  let { result, after } = await applyStep(orderId, step, deps);
  options.onStep?.(result);
  while (after && result.next && options.chain?.includes(result.next)) {
    const chained: SagaStep = result.next;
    const state: OrderState = after;
    try {
      ({ result, after } = await inSpan(
        `saga step ${chained}`,
        {
          attributes: {
            "agora.order_id": orderId,
            "agora.saga_step": chained,
            "agora.chained": true,
          },
        },
        () => applyStep(orderId, chained, deps, state),
      ));
    } catch (err) {
      await deps.enqueue(orderId, chained);
      options.onChainedError?.(chained, err);
      // The last step that committed, whose `next` is the step just queued.
      return result;
    }
    options.onStep?.(result);
  }
  if (!after) return result;
  if (result.next) await deps.enqueue(orderId, result.next);
  // The step that ended the saga (ready, failed, cancelled) ends the order's time in flight.
  else if (deps.admission) await releaseAdmission(deps.admission, after);
  return result;
}
