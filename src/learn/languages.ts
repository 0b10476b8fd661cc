/**
 * Language of a file from its name alone (extension or a well-known file name), as linguist does
 * for the common cases. `kind` separates code from prose and data so "source directories" and the
 * stack summary are about code.
 */
export type LanguageKind = 'programming' | 'markup' | 'data' | 'prose';

interface Language {
  name: string;
  kind: LanguageKind;
}

const P = (name: string): Language => ({ name, kind: 'programming' });
const M = (name: string): Language => ({ name, kind: 'markup' });
const D = (name: string): Language => ({ name, kind: 'data' });
const T = (name: string): Language => ({ name, kind: 'prose' });

const TYPESCRIPT = P('TypeScript');
const JAVASCRIPT = P('JavaScript');
const C = P('C');
const CPP = P('C++');
const SHELL = P('Shell');
const YAML = D('YAML');
const MARKDOWN = T('Markdown');

const BY_EXTENSION: ReadonlyMap<string, Language> = new Map([
  ['ts', TYPESCRIPT], ['tsx', TYPESCRIPT], ['mts', TYPESCRIPT], ['cts', TYPESCRIPT],
  ['js', JAVASCRIPT], ['jsx', JAVASCRIPT], ['mjs', JAVASCRIPT], ['cjs', JAVASCRIPT],
  ['py', P('Python')], ['pyi', P('Python')], ['pyx', P('Cython')],
  ['go', P('Go')], ['rs', P('Rust')],
  ['java', P('Java')], ['kt', P('Kotlin')], ['kts', P('Kotlin')], ['scala', P('Scala')], ['groovy', P('Groovy')],
  ['c', C], ['h', C], ['cc', CPP], ['cpp', CPP], ['cxx', CPP], ['hpp', CPP], ['hh', CPP], ['hxx', CPP],
  ['cs', P('C#')], ['fs', P('F#')], ['swift', P('Swift')], ['m', P('Objective-C')], ['mm', P('Objective-C++')],
  ['rb', P('Ruby')], ['php', P('PHP')], ['pl', P('Perl')], ['pm', P('Perl')], ['lua', P('Lua')],
  ['ex', P('Elixir')], ['exs', P('Elixir')], ['erl', P('Erlang')], ['hrl', P('Erlang')],
  ['hs', P('Haskell')], ['ml', P('OCaml')], ['mli', P('OCaml')], ['clj', P('Clojure')], ['cljs', P('Clojure')],
  ['dart', P('Dart')], ['r', P('R')], ['jl', P('Julia')], ['zig', P('Zig')], ['nim', P('Nim')],
  ['sh', SHELL], ['bash', SHELL], ['zsh', SHELL], ['fish', SHELL], ['ps1', P('PowerShell')],
  ['sql', P('SQL')], ['vue', P('Vue')], ['svelte', P('Svelte')], ['astro', P('Astro')],
  ['sol', P('Solidity')], ['tf', P('HCL')], ['hcl', P('HCL')], ['proto', D('Protocol Buffers')],
  ['html', M('HTML')], ['htm', M('HTML')], ['css', M('CSS')], ['scss', M('SCSS')], ['sass', M('Sass')],
  ['less', M('Less')], ['xml', D('XML')],
  ['json', D('JSON')], ['jsonc', D('JSON')], ['json5', D('JSON')], ['yaml', YAML], ['yml', YAML],
  ['toml', D('TOML')], ['ini', D('INI')], ['cfg', D('INI')], ['csv', D('CSV')], ['graphql', D('GraphQL')], ['gql', D('GraphQL')],
  ['md', MARKDOWN], ['markdown', MARKDOWN], ['mdx', T('MDX')], ['rst', T('reStructuredText')], ['txt', T('Text')],
  ['adoc', T('AsciiDoc')], ['tex', M('TeX')],
]);

const BY_NAME: ReadonlyMap<string, Language> = new Map([
  ['Makefile', P('Makefile')], ['makefile', P('Makefile')], ['GNUmakefile', P('Makefile')],
  ['Dockerfile', P('Dockerfile')], ['CMakeLists.txt', P('CMake')], ['Rakefile', P('Ruby')], ['Gemfile', P('Ruby')],
  ['Jenkinsfile', P('Groovy')], ['Justfile', P('Just')], ['justfile', P('Just')],
]);

function lookup(path: string): Language | undefined {
  const slash = path.lastIndexOf('/');
  const name = slash === -1 ? path : path.slice(slash + 1);
  const byName = BY_NAME.get(name);
  if (byName) return byName;
  if (name.startsWith('Dockerfile.')) return BY_NAME.get('Dockerfile');
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const extension = name.slice(dot + 1);
  return BY_EXTENSION.get(extension) ?? BY_EXTENSION.get(extension.toLowerCase());
}

/** The language name of a repository path, or undefined when the name says nothing. */
export function languageOf(path: string): string | undefined {
  return lookup(path)?.name;
}

const KIND_BY_NAME: ReadonlyMap<string, LanguageKind> = new Map(
  [...BY_EXTENSION.values(), ...BY_NAME.values()].map((language) => [language.name, language.kind]),
);

export function languageKind(name: string): LanguageKind | undefined {
  return KIND_BY_NAME.get(name);
}

/** True for files written in a programming language (not prose, data or markup). */
export function isCodePath(path: string): boolean {
  return lookup(path)?.kind === 'programming';
}
