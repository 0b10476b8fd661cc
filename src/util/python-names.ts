/** "Django>=4.2 ; python_version>'3.8'" → "django": a PEP 508 requirement's distribution name, PEP 503-normalised. */
export function distributionName(spec: string): string | undefined {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec);
  return match && !spec.trimStart().startsWith('-') ? match[1]!.toLowerCase().replace(/[._-]+/g, '-') : undefined;
}
