/** Prices as the graph gives them: a Decimal string and an ISO 4217 code. */
export interface Money {
  amount: string;
  currencyCode: string;
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currencyCode: string, locale?: string): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currencyCode}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.NumberFormat(locale, { style: 'currency', currency: currencyCode });
    formatters.set(key, found);
  }
  return found;
}

/**
 * "$19.99" for {amount: "19.99", currencyCode: "USD"}. The amount is passed
 * to Intl as a string, which formats decimal strings exactly instead of
 * going through a float.
 */
export function formatMoney(money: Money, locale?: string): string {
  try {
    // Intl.NumberFormat.format takes a decimal string (ES2023 "Intl.NumberFormat v3").
    return formatter(money.currencyCode, locale).format(money.amount as unknown as number);
  } catch {
    return `${money.amount} ${money.currencyCode}`;
  }
}
