// The one module that touches the webview UI toolkit: it registers the components the views
// use. The toolkit reads VS Code's --vscode-* theme variables, so its parts follow the theme.
import { provideVSCodeDesignSystem, vsCodeBadge, vsCodeButton, vsCodeDivider, vsCodeProgressRing } from '@vscode/webview-ui-toolkit';

export function registerToolkit(): void {
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeBadge(), vsCodeDivider(), vsCodeProgressRing());
}

export type ButtonAppearance = 'primary' | 'secondary' | 'icon';

/** A toolkit button with a codicon before its label. */
export function toolkitButton(label: string, icon: string, appearance: ButtonAppearance, onClick: () => void): HTMLElement {
  const button = document.createElement('vscode-button');
  button.setAttribute('appearance', appearance);
  const glyph = document.createElement('span');
  glyph.slot = 'start';
  glyph.className = `codicon codicon-${icon}`;
  glyph.setAttribute('aria-hidden', 'true');
  button.append(glyph, document.createTextNode(label));
  button.addEventListener('click', onClick);
  return button;
}

export function toolkitBadge(text: string): HTMLElement {
  const badge = document.createElement('vscode-badge');
  badge.textContent = text;
  return badge;
}

export function toolkitProgressRing(label: string): HTMLElement {
  const ring = document.createElement('vscode-progress-ring');
  ring.setAttribute('aria-label', label);
  return ring;
}

export function toolkitDivider(): HTMLElement {
  const divider = document.createElement('vscode-divider');
  divider.setAttribute('role', 'separator');
  return divider;
}
