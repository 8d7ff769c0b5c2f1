import { Component, type ReactNode } from 'react';

/**
 * Keeps a panel's failure to itself: a panel that throws while rendering (figures it does not expect, say)
 * shows why in its place, and the rest of the dashboard goes on working.
 */
export class PanelBoundary extends Component<{
  failed: (message: string) => ReactNode;
  children: ReactNode;
}> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    const { error } = this.state;
    return error ? (
      <section className="section">
        <p className="alert" role="alert">
          {this.props.failed(error.message)}
        </p>
      </section>
    ) : (
      this.props.children
    );
  }
}
