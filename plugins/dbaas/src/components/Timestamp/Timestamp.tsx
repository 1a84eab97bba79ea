const format = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'medium',
});

/**
 * A moment in the reader's locale and time zone; the exact UTC time stays
 * machine-readable and shows on hover.
 */
export const Timestamp = (props: { at: string }) => {
  const date = new Date(props.at);
  if (Number.isNaN(date.getTime())) return <>{props.at}</>;
  return (
    <time dateTime={props.at} title={date.toISOString()}>
      {format.format(date)}
    </time>
  );
};
