/**
 * The 27 built-in SME disciplines: name, title and the provider type that fits the work best.
 * Their system prompts are data files (`src/roles/data/<name>.md`), read by catalog.ts.
 */
export type BestFitProvider = 'claude' | 'codex' | 'gemini';

export interface DisciplineInfo {
  readonly name: string;
  readonly title: string;
  readonly provider: BestFitProvider;
}

export const DISCIPLINES: readonly DisciplineInfo[] = [
  { name: 'architect', title: 'Software Architect', provider: 'claude' },
  { name: 'product-manager', title: 'Product Manager', provider: 'claude' },
  { name: 'frontend', title: 'Frontend Engineer', provider: 'claude' },
  { name: 'backend', title: 'Backend Engineer', provider: 'codex' },
  { name: 'fullstack', title: 'Full-stack Engineer', provider: 'codex' },
  { name: 'qa', title: 'QA Engineer and Reviewer', provider: 'claude' },
  { name: 'test-automation', title: 'Test Automation Engineer', provider: 'codex' },
  { name: 'devops', title: 'DevOps Engineer', provider: 'gemini' },
  { name: 'sre', title: 'Site Reliability Engineer', provider: 'gemini' },
  { name: 'security', title: 'Security Engineer', provider: 'claude' },
  { name: 'dba', title: 'Database Engineer', provider: 'codex' },
  { name: 'performance', title: 'Performance Engineer', provider: 'codex' },
  { name: 'accessibility', title: 'Accessibility Specialist', provider: 'claude' },
  { name: 'mobile', title: 'Mobile Engineer', provider: 'codex' },
  { name: 'data', title: 'Data Engineer', provider: 'codex' },
  { name: 'ml', title: 'Machine Learning Engineer', provider: 'claude' },
  { name: 'ux', title: 'UX Designer', provider: 'claude' },
  { name: 'docs', title: 'Technical Writer', provider: 'gemini' },
  { name: 'release', title: 'Release Manager', provider: 'gemini' },
  { name: 'api', title: 'API Designer', provider: 'codex' },
  { name: 'cloud', title: 'Cloud Infrastructure Engineer', provider: 'gemini' },
  { name: 'observability', title: 'Observability Engineer', provider: 'gemini' },
  { name: 'i18n', title: 'Internationalization Engineer', provider: 'gemini' },
  { name: 'privacy', title: 'Privacy Engineer', provider: 'claude' },
  { name: 'refactoring', title: 'Refactoring Specialist', provider: 'codex' },
  { name: 'code-reviewer', title: 'Code Reviewer', provider: 'claude' },
  { name: 'scout', title: 'Codebase Scout', provider: 'gemini' },
];

export const DISCIPLINE_NAMES: readonly string[] = DISCIPLINES.map((d) => d.name);

export const findDisciplineInfo = (name: string): DisciplineInfo | undefined =>
  DISCIPLINES.find((d) => d.name === name);
