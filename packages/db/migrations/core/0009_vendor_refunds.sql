-- The payments pool's sweep of open vendor refunds reads VendorRefundRequested events by age.
CREATE INDEX order_events_vendor_refund_requested_idx
  ON order_events (created_at) WHERE type = 'VendorRefundRequested';
