/**
 * A one-line text that, when too long for its box, is cut in the middle
 * ("a_very_long_na…candy.png") so the start and the file extension stay
 * readable; the full text is the tooltip.
 */
export function MiddleEllipsis(props: { text: string; tail?: number; className?: string; testId?: string }): React.JSX.Element {
  const tail = Math.min(props.tail ?? 12, Math.floor(props.text.length / 2));
  const head = props.text.slice(0, props.text.length - tail);
  const end = props.text.slice(props.text.length - tail);
  return (
    <span className={`middle-ellipsis${props.className ? ` ${props.className}` : ''}`} title={props.text} data-testid={props.testId}>
      <span className="me-head">{head}</span>
      <span className="me-tail">{end}</span>
    </span>
  );
}
