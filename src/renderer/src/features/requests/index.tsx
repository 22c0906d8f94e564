import { ComingSoon } from '../../components/ComingSoon';

// Owned by the HTTP sender (issue 5), which replaces this view.
export default function Requests() {
  return (
    <ComingSoon icon="send" title="Requests" issue={5}>
      Compose and send HTTP requests with tabs, collections and environments, and see every byte of the response.
    </ComingSoon>
  );
}
