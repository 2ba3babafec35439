/** English strings of the payment page. `{name}` marks a value filled in at render time. */
export const en = {
  lang_name: 'English',
  page_title: 'Pay {project}',
  not_found_title: 'Payment link not found',
  not_found_text:
    'This payment link is not valid. Check that you opened the whole link the shop gave you, or ask the shop for a new one.',
  too_many_title: 'Too many requests',
  too_many_text: 'Please wait a minute and reload this page.',
  error_title: 'Something went wrong',
  error_text: 'Reload the page in a moment. If it keeps happening, contact the shop.',
  test_banner: 'Test mode: no real money. Do not send real coins to this address.',
  summary_label: 'Invoice summary',
  price: 'Amount',
  order: 'Order',
  invoice_id: 'Invoice',
  powered_by: 'Payments by Kassa, self-hosted by {project}',
  language: 'Language',
  reload: 'Refresh status',

  choose_title: 'Choose how to pay',
  choose_hint:
    'Pick the coin and the network your wallet or exchange sends from. Sending on another network can lose the payment.',
  choose_submit: 'Continue',
  choose_none: 'No payment method is available for this invoice. Please contact the shop.',
  choose_legend: 'Coin and network',

  waiting_title: 'Send the payment',
  waiting_status: 'Waiting for your payment…',
  amount_to_send: 'Amount to send',
  address: 'Address',
  network: 'Network',
  network_warning:
    'Send only {symbol} on the {network} network. Coins sent on another network are not credited automatically.',
  exact_warning:
    'Send the exact amount. If an exchange deducts a withdrawal fee, add it so that {amount} arrives.',
  copy: 'Copy',
  copy_amount: 'Copy amount',
  copy_address: 'Copy address',
  copied: 'Copied',
  qr_label: 'QR code with the address and amount',
  qr_caption: 'Scan with your wallet app',
  open_wallet: 'Open in wallet',
  time_left: 'Time left',
  pay_by: 'Pay by {time}',
  no_timer: 'This invoice has no time limit.',
  rate: 'Rate: 1 {symbol} = {rate}',

  seen_title: 'Payment received, confirming',
  seen_text:
    'We see your payment of {amount}. It counts once the network confirms it; you do not need to do anything.',
  confirmations: 'Confirmations: {n} of {total}',
  seen_stale:
    'This is taking longer than usual. If the transaction is stuck, contact the shop with the invoice number.',
  seen_close: 'You can keep this page open; it updates by itself.',

  partial_title: 'Partially paid',
  partial_text: 'Received {received} of {due}. Send the remaining {remaining} to the same address.',
  partial_pending: 'Also on its way, waiting for confirmation: {amount}.',
  remaining_to_send: 'Remaining to send',

  paid_title: 'Paid, thank you!',
  paid_text: 'Your payment of {amount} is confirmed.',
  paid_redirect: 'Returning you to {project} in {seconds}\u00a0s…',
  paid_close: 'You can close this page.',
  back_to_shop: 'Return to {project}',

  overpaid_title: 'Paid, with more than the amount due',
  overpaid_text:
    'You sent {received}, which is {excess} more than the {due} due. The order is paid; contact the shop about the difference.',

  expired_title: 'This invoice has expired',
  expired_text:
    'The time to pay ran out and no payment arrived. Do not send anything to this address now.',
  expired_paid_title: 'Already paid?',
  expired_paid_text:
    'A payment sent just before the end may still arrive: keep this page open, it updates when the payment is seen. Otherwise contact {project} with the invoice number {invoice} and your transaction ID.',
  expired_new: 'To buy, go back to the shop and start a new payment.',

  underpaid_title: 'The invoice expired before it was paid in full',
  underpaid_text:
    'Received {received} of {due}. {project} will decide whether to accept it or refund you. You can ask for a refund below.',

  late_title: 'Your payment arrived after the invoice expired',
  late_text:
    'Received {received} after the time to pay ran out. {project} will decide whether to accept it or refund you. You can ask for a refund below.',

  cancelled_title: 'This invoice was cancelled',
  cancelled_text:
    'The shop cancelled this invoice. Do not send any payment. If you already paid, contact {project} with the invoice number {invoice}.',

  refunded_title: 'Refunded',
  refunded_text: 'The shop has refunded this payment.',
  refund_item: '{amount} to {address}',
  refund_txid: 'Transaction: {txid}',

  refund_title: 'Ask for a refund',
  refund_hint:
    'Enter your {symbol} address on the {network} network. The shop sends the refund from its own wallet.',
  refund_address: 'Your {symbol} address on {network}',
  refund_submit: 'Request a refund',
  refund_requested:
    'Refund requested to {address} on {time}. The shop sends it from its own wallet.',
  refund_invalid: 'This is not a valid {network} address. Check it and try again.',

  error_state: 'This is no longer possible: the invoice has changed. Reload the page.',
  error_currency: 'This coin is not available for this invoice. Choose another one.',
  error_currency_changes:
    'The coin of this invoice was changed too many times. Pay with the coin shown.',
  error_rate: 'The exchange rate is unavailable right now. Try again in a minute.',
  error_request: 'The request was not understood. Reload the page and try again.',

  test_title: 'Test mode: simulate a payment',
  test_hint:
    'Only test invoices show this panel. It records payments on Kassa’s built-in test chain.',
  test_full: 'Full payment',
  test_partial: 'Partial (half)',
  test_over: 'Overpayment (+10%)',
  test_unconfirmed: 'Seen, unconfirmed',
  test_confirm: 'Confirm pending payments',
  test_late: 'Late payment',

  net_BTC: 'Bitcoin',
  net_LTC: 'Litecoin',
  net_ETH: 'Ethereum',
  net_ERC20: 'Ethereum (ERC-20)',
  net_TRON: 'Tron',
  net_TRC20: 'Tron (TRC-20)',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Readonly<Record<MessageKey, string>>;
