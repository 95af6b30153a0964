import { BackendBadge } from './app/BackendBadge';
import { DatasetPanel } from './app/DatasetPanel';
import { LossChart } from './app/LossChart';
import { MetricReadouts } from './app/MetricReadouts';
import { RunList } from './app/RunList';
import { StatusMessage } from './app/StatusMessage';
import { TrainingControls } from './app/TrainingControls';
import { useTrainer } from './app/useTrainer';

export function App() {
  const { snapshot, actions } = useTrainer();
  const selected = snapshot.runs.find((run) => run.id === snapshot.selectedRunId) ?? null;
  return (
    <div className="app">
      <header className="app-header">
        <h1>Hybrid Lab</h1>
        <p className="tagline">Generative + contrastive self-supervised learning, trained in your browser.</p>
        <BackendBadge backend={snapshot.backend} />
      </header>
      <StatusMessage status={snapshot.status} />
      <main className="layout">
        <aside className="sidebar">
          <DatasetPanel dataset={snapshot.dataset} progress={snapshot.progress} />
          <TrainingControls run={selected} actions={actions} />
          <RunList runs={snapshot.runs} selectedRunId={snapshot.selectedRunId} actions={actions} />
        </aside>
        <div className="content">
          <MetricReadouts run={selected} />
          <LossChart run={selected} version={snapshot.version} />
        </div>
      </main>
    </div>
  );
}
