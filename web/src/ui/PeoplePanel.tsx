import type { Awareness } from 'y-protocols/awareness';
import { usePeople } from './hooks';

export function PeoplePanel({ awareness }: { awareness: Awareness }) {
  const people = usePeople(awareness);
  return (
    <section className="people" aria-labelledby="people-heading">
      <h2 id="people-heading">People</h2>
      <ul aria-labelledby="people-heading">
        {people.map((p) => (
          <li key={p.clientId}>
            <span className="dot" style={{ backgroundColor: p.color }} aria-hidden="true" />
            <span className="person-name">{p.name}</span>
            {p.isSelf && <span className="you"> (you)</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
