import styles from './database.module.css';

/** What a section could not read (a lock, a timeout), said in words: never a blank or a spinner. */
export function Problems({ problems, title = 'Partly read' }: { problems: string[]; title?: string }) {
  if (!problems.length) return null;
  return (
    <div className="notice" role="status">
      <strong>⚠ {title}</strong>
      <ul className={styles.problems}>
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}
