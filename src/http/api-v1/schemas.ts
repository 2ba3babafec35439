import { Type } from '@sinclair/typebox';

export const Amount = Type.String({
  pattern: '^(0|[1-9][0-9]{0,17})(\\.[0-9]{1,18})?$',
  maxLength: 37,
  description: 'Exact decimal as a string, e.g. "100.50"; no exponents',
});
export const CurrencyCode = Type.String({ pattern: '^[A-Za-z0-9_]{2,12}$' });
export const ShopId = Type.String({ pattern: '^[A-Za-z0-9_-]{4,64}$' });
export const Email = Type.String({
  maxLength: 254,
  pattern: '^[^@\\s]{1,64}@[^@\\s]{1,189}\\.[^@\\s]{1,60}$',
});
export const InvoiceRef = Type.String({ pattern: '^(inv_[a-z0-9]{10,40}|(INV-)?[A-Za-z0-9]{8})$' });
export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String()),
  }),
});

export const CreateInvoiceBody = Type.Object(
  {
    shop_id: ShopId,
    amount: Amount,
    currency: Type.Optional(CurrencyCode),
    order_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    email: Type.Optional(Email),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    expires_in: Type.Optional(
      Type.Union([Type.Integer({ minimum: 60, maximum: 365 * 24 * 3600 }), Type.Null()], {
        description: 'Seconds until expiry; null for no timer; default 86400',
      }),
    ),
    payment_currency: Type.Optional(CurrencyCode),
    available_currencies: Type.Optional(Type.Array(CurrencyCode, { minItems: 1, maxItems: 20 })),
    locale: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('ru')])),
    metadata: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 500 }), {
        maxProperties: 20,
      }),
    ),
    test_mode: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ListInvoicesQuery = Type.Object(
  {
    shop_id: Type.Optional(ShopId),
    status: Type.Optional(Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$', maxLength: 100 })),
    created_from: Type.Optional(Type.String({ format: 'date-time' })),
    created_to: Type.Optional(Type.String({ format: 'date-time' })),
    order_id: Type.Optional(Type.String({ maxLength: 128 })),
    limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$' })),
    cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$' })),
  },
  { additionalProperties: false },
);

export const RefundBody = Type.Object(
  {
    amount: Amount,
    currency: CurrencyCode,
    address: Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_:-]+$' }),
    txid: Type.Optional(
      Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_:-]+$' }),
    ),
  },
  { additionalProperties: false },
);

export const ChooseCurrencyBody = Type.Object(
  { currency: CurrencyCode },
  { additionalProperties: false },
);

export const TestPaymentBody = Type.Object(
  {
    amount: Type.Optional(Amount),
    confirmed: Type.Optional(Type.Boolean()),
    late: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const Wallet = Type.Object(
  {
    key: Type.String({ minLength: 10, maxLength: 500 }),
    gap_limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    network: Type.Optional(
      Type.Union([Type.Literal('mainnet'), Type.Literal('testnet'), Type.Literal('regtest')]),
    ),
  },
  { additionalProperties: false },
);
const Action = Type.Union([Type.Literal('accept'), Type.Literal('manual')]);
const Percent = Type.String({ pattern: '^(100|[0-9]{1,2})(\\.[0-9]{1,4})?$' });
const Url = Type.String({ maxLength: 2000, pattern: '^https?://' });

export const ProjectBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    logo_url: Type.Optional(Type.Union([Url, Type.Null()])),
    success_url: Type.Optional(Type.Union([Url, Type.Null()])),
    fail_url: Type.Optional(Type.Union([Url, Type.Null()])),
    enabled_currencies: Type.Optional(Type.Array(CurrencyCode, { maxItems: 20 })),
    wallets: Type.Optional(
      Type.Object(
        {
          BTC: Type.Optional(Wallet),
          LTC: Type.Optional(Wallet),
          ETH: Type.Optional(Wallet),
          TRON: Type.Optional(Wallet),
        },
        { additionalProperties: false },
      ),
    ),
    confirmations: Type.Optional(
      Type.Record(CurrencyCode, Type.Integer({ minimum: 0, maximum: 1000 })),
    ),
    rules: Type.Optional(
      Type.Object(
        {
          underpaid_tolerance_percent: Type.Optional(Percent),
          overpaid_tolerance_percent: Type.Optional(Percent),
          overpaid_action: Type.Optional(Action),
          late_payment_action: Type.Optional(Action),
          expired_partial_action: Type.Optional(Action),
        },
        { additionalProperties: false },
      ),
    ),
    test_mode: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
