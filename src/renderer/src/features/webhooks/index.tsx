export default function Webhooks() {
  return <div className="empty">Loading webhooks…</div>;
}
