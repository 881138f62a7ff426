import { Skeleton } from '@/app/_components/states';
import styles from './analytics.module.css';

/** The report's shape while its data loads: four cards, the chart, the table. */
export function ReportSkeleton() {
  return (
    <div className="stack" aria-busy="true">
      <div className="cards">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="card">
            <Skeleton rows={2} height={16} label="Loading the totals" />
          </div>
        ))}
      </div>
      <div className="card">
        <div className={`skeleton ${styles.chartSkeleton}`} aria-hidden="true" />
      </div>
      <div className="card">
        <Skeleton rows={6} label="Loading the costs by service" />
      </div>
    </div>
  );
}
