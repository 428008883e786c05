// Before the journeys: MailDev emptied, so that finding a journey's email reads the journeys'
// emails only — the process tests before them leave thousands there (a 2,000-email crash run, a
// 5,000-email outbox drained by a cluster), and reading them all each time once made an email
// look 23 s late.
import { maildevApi } from './helpers';

export default async function globalSetup() {
  const response = await fetch(`${maildevApi}/email/all`, { method: 'DELETE' });
  if (!response.ok) throw new Error(`MailDev did not empty (${response.status}): is it running at ${maildevApi}?`);
}
