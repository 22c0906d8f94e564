import { ComingSoon } from '../../components/ComingSoon';

// Owned by the WebSocket client/server (issue 4), which replaces this view.
export default function Sockets() {
  return (
    <ComingSoon icon="socket" title="WebSockets" issue={4}>
      Connect to any WebSocket server or run one, send text, JSON or binary frames, and watch the conversation live.
    </ComingSoon>
  );
}
