import {
  formatMoney,
  type MonthlyPrice as Price,
} from '@internal/backstage-plugin-dbaas-common';

/** What makes up a price, for its tooltip. */
export function priceBreakdown(price: Price): string {
  const money = (amount: number) => formatMoney(amount, price.currency);
  const { base, cpu, memory, storage } = price.breakdown;
  return `Plan ${money(base)} + CPU ${money(cpu)} + memory ${money(
    memory,
  )} + storage ${money(storage)} a month`;
}

/**
 * A monthly price as text, e.g. `$1,216.00 a month`, its breakdown in the
 * tooltip. At the configured prices, as ordered: not metered use.
 */
export const MonthlyPrice = (props: { price: Price; suffix?: string }) => (
  <span title={priceBreakdown(props.price)}>
    {formatMoney(props.price.total, props.price.currency)}
    {props.suffix ?? ' a month'}
  </span>
);
