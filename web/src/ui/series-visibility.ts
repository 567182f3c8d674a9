/**
 * Which series a reader has switched off in one view. Hidden series disappear through one CSS rule
 * per key, scoped to the view, so charts redrawn later (zoom, resize) stay hidden without being
 * told. Legends in the same view that share a key (p99 in three charts) switch together.
 */
let scopes = 0;

export class SeriesVisibility {
  readonly scopeClass: string;
  private readonly hidden = new Set<string>();
  private readonly style: HTMLStyleElement;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly root: HTMLElement) {
    scopes += 1;
    this.scopeClass = `view-scope-${scopes}`;
    root.classList.add(this.scopeClass);
    this.style = document.createElement('style');
    document.head.appendChild(this.style);
  }

  isHidden(key: string): boolean {
    return this.hidden.has(key);
  }

  toggle(key: string): void {
    if (this.hidden.has(key)) this.hidden.delete(key);
    else this.hidden.add(key);
    // Keys are made by the report (result-0, p99, replica-3), never taken from data; escaped anyway.
    this.style.textContent = [...this.hidden].map((k) => `.${this.scopeClass} [data-series="${CSS.escape(k)}"] { display: none; }`).join('\n');
    for (const button of this.root.querySelectorAll<HTMLButtonElement>('button[data-series-toggle]')) {
      button.setAttribute('aria-pressed', String(!this.hidden.has(button.dataset.seriesToggle ?? '')));
    }
    for (const listener of this.listeners) listener();
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }
}
