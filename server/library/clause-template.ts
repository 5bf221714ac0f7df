import Handlebars from 'handlebars';
import type { Language } from './library.codes';
import type { LocalisedText, Parameter } from './library.schemas';

/**
 * Requirement and clause texts are Handlebars templates whose only inputs are the item's
 * declared parameters. They are compiled by an instance of their own, separate from the view
 * engine: strict (a missing value is an error, not an empty string), only the `if` and
 * `unless` block helpers, no partials, no data variables and no dotted paths, so a text can
 * never reach a prototype or anything but its own parameter values.
 */
const clauseHandlebars = Handlebars.create();
const ALLOWED_BLOCK_HELPERS = new Set(['if', 'unless']);

export type TemplateProblem = { message: string; line: number; column: number };
export type TemplateAnalysis = { parameters: string[]; problems: TemplateProblem[] };

type Node = hbs.AST.Node & { loc?: hbs.AST.SourceLocation };

function position(node: Node): { line: number; column: number } {
  return { line: node.loc?.start.line ?? 1, column: (node.loc?.start.column ?? 0) + 1 };
}

/** Parses a text and lists the parameters it uses, or the problems that make it unusable. */
export function analyseTemplate(text: string): TemplateAnalysis {
  let program: hbs.AST.Program;
  try {
    program = clauseHandlebars.parse(text);
  } catch (error) {
    const err = error as Error & { lineNumber?: number; column?: number };
    const firstLine = err.message.split('\n')[0] ?? err.message;
    const lineMatch = /on line (\d+)/.exec(err.message);
    const line = err.lineNumber ?? (lineMatch ? Number(lineMatch[1]) : 1);
    const column = (err.column ?? 0) + 1;
    return { parameters: [], problems: [{ message: `syntax error: ${firstLine}`, line, column }] };
  }
  const parameters = new Set<string>();
  const problems: TemplateProblem[] = [];

  const visitPath = (path: hbs.AST.PathExpression) => {
    if (path.data || path.parts.length !== 1 || path.original.includes('.') || path.original.includes('/') || path.original === 'this') {
      problems.push({ message: `"${path.original}" is not a parameter name`, ...position(path) });
      return;
    }
    const name = path.parts[0] as string;
    if (!/^[a-z][A-Za-z0-9]*$/.test(name)) {
      problems.push({ message: `"${name}" is not a parameter name`, ...position(path) });
      return;
    }
    parameters.add(name);
  };

  const visitExpression = (expr: hbs.AST.Expression) => {
    if (expr.type === 'PathExpression') visitPath(expr as hbs.AST.PathExpression);
    else if (expr.type === 'SubExpression') problems.push({ message: 'sub-expressions are not allowed', ...position(expr) });
    else problems.push({ message: 'only parameter names may be used here', ...position(expr) });
  };

  const visitProgram = (p: hbs.AST.Program | undefined) => {
    for (const statement of p?.body ?? []) visitStatement(statement);
  };

  const visitStatement = (statement: hbs.AST.Statement) => {
    switch (statement.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement': {
        const m = statement as hbs.AST.MustacheStatement;
        if (m.params.length > 0 || (m.hash && m.hash.pairs.length > 0)) {
          const name = m.path.type === 'PathExpression' ? (m.path as hbs.AST.PathExpression).original : 'expression';
          problems.push({ message: `helper "${name}" is not allowed; only parameter names and #if / #unless blocks`, ...position(m) });
          return;
        }
        visitExpression(m.path as hbs.AST.Expression);
        return;
      }
      case 'BlockStatement': {
        const b = statement as hbs.AST.BlockStatement;
        const name = b.path.type === 'PathExpression' ? (b.path as hbs.AST.PathExpression).original : '';
        if (!ALLOWED_BLOCK_HELPERS.has(name)) {
          problems.push({ message: `block helper "${name}" is not allowed; only #if and #unless`, ...position(b) });
          return;
        }
        if (b.params.length !== 1 || (b.hash && b.hash.pairs.length > 0)) {
          problems.push({ message: `#${name} takes exactly one parameter name`, ...position(b) });
          return;
        }
        visitExpression(b.params[0] as hbs.AST.Expression);
        visitProgram(b.program);
        visitProgram(b.inverse);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
        problems.push({ message: 'partials are not allowed', ...position(statement) });
        return;
      case 'DecoratorBlock':
      case 'Decorator':
        problems.push({ message: 'decorators are not allowed', ...position(statement) });
        return;
      default:
        problems.push({ message: `unsupported template construct ${statement.type}`, ...position(statement) });
    }
  };

  visitProgram(program);
  return { parameters: [...parameters].sort(), problems };
}

export type ParameterValue = number | string | string[] | boolean;
export type ParameterValues = Record<string, ParameterValue>;

const CONJUNCTION: Record<Language, string> = { nb: 'og', en: 'and' };

/** "CSV, JSON og XML" / "CSV, JSON and XML". */
export function formatList(values: string[], lang: Language): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} ${CONJUNCTION[lang]} ${values[values.length - 1]}`;
}

const NUMBER_FORMATS: Record<Language, Intl.NumberFormat> = {
  nb: new Intl.NumberFormat('nb-NO', { maximumFractionDigits: 2, useGrouping: true }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2, useGrouping: true }),
};

function formatNumber(value: number, lang: Language): string {
  return NUMBER_FORMATS[lang].format(value);
}

/** The value a parameter has when the buyer has not chosen one, in the document language. */
export function defaultValue(parameter: Parameter, lang: Language): ParameterValue {
  return parameter.type === 'text' ? parameter.default[lang] : parameter.default;
}

const templateCache = new Map<string, HandlebarsTemplateDelegate>();

function compiled(text: string): HandlebarsTemplateDelegate {
  let template = templateCache.get(text);
  if (!template) {
    template = clauseHandlebars.compile(text, {
      strict: true,
      noEscape: true,
      knownHelpers: { if: true, unless: true },
      knownHelpersOnly: true,
    });
    if (templateCache.size > 5000) templateCache.clear();
    templateCache.set(text, template);
  }
  return template;
}

/**
 * Renders a text with the given values; parameters without a value take their default.
 * Values must already have been checked with `checkParameterValues`.
 */
export function renderTemplate(text: string, parameters: Parameter[], values: ParameterValues, lang: Language): string {
  const context: Record<string, string | boolean> = Object.create(null) as Record<string, string | boolean>;
  for (const parameter of parameters) {
    const value = values[parameter.name] ?? defaultValue(parameter, lang);
    if (Array.isArray(value)) context[parameter.name] = formatList(value, lang);
    else if (typeof value === 'number') context[parameter.name] = formatNumber(value, lang);
    else context[parameter.name] = value;
  }
  return compiled(text)(context, {
    allowProtoPropertiesByDefault: false,
    allowProtoMethodsByDefault: false,
  });
}

export function renderLocalised(text: LocalisedText, parameters: Parameter[], values: ParameterValues, lang: Language): string {
  return renderTemplate(text[lang], parameters, values, lang);
}

export type ValueProblem = { parameter: string; message: string };

/** Checks buyer-chosen values against each parameter's type and range. */
export function checkParameterValues(parameters: Parameter[], values: Record<string, unknown>): ValueProblem[] {
  const problems: ValueProblem[] = [];
  const declared = new Map(parameters.map((p) => [p.name, p]));
  for (const name of Object.keys(values)) {
    if (!declared.has(name)) problems.push({ parameter: name, message: 'is not a parameter of this item' });
  }
  for (const p of parameters) {
    if (!(p.name in values) || values[p.name] === undefined) continue;
    const value = values[p.name];
    switch (p.type) {
      case 'integer':
      case 'number': {
        if (typeof value !== 'number' || !Number.isFinite(value) || (p.type === 'integer' && !Number.isInteger(value))) {
          problems.push({ parameter: p.name, message: p.type === 'integer' ? 'must be a whole number' : 'must be a number' });
        } else if (p.min !== undefined && value < p.min) {
          problems.push({ parameter: p.name, message: `must be at least ${p.min}` });
        } else if (p.max !== undefined && value > p.max) {
          problems.push({ parameter: p.name, message: `must be at most ${p.max}` });
        }
        break;
      }
      case 'text':
        if (typeof value !== 'string' || value.trim() === '') problems.push({ parameter: p.name, message: 'must be a non-empty text' });
        else if (p.maxLength !== undefined && value.length > p.maxLength) problems.push({ parameter: p.name, message: `must be at most ${p.maxLength} characters` });
        break;
      case 'choice':
        if (typeof value !== 'string' || !p.values.includes(value)) problems.push({ parameter: p.name, message: `must be one of ${p.values.join(', ')}` });
        break;
      case 'choices':
        if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string' || !p.values.includes(v))) {
          problems.push({ parameter: p.name, message: `must be a non-empty list of ${p.values.join(', ')}` });
        }
        break;
    }
  }
  return problems;
}

/** The values a text can be rendered with: each checked value kept, a value that does not fit its parameter left to the default. */
export function usableValues(parameters: Parameter[], values: Record<string, unknown>): ParameterValues {
  const refused = new Set(checkParameterValues(parameters, values).map((p) => p.parameter));
  const usable: ParameterValues = {};
  for (const parameter of parameters) {
    const value = values[parameter.name];
    if (value !== undefined && !refused.has(parameter.name)) usable[parameter.name] = value as ParameterValue;
  }
  return usable;
}

/** The texts of a library item in one language, each still a template. */
export type ItemTemplates = { title: string; text: string; responseGuidance: string; verification?: string; evidence?: string[] };
/** The same texts rendered with a tender's (or joint set's) parameter values. */
export type ItemTexts = { title: string; text: string; responseGuidance: string; verification: string; evidence: string[] };

type LocalisedItem = {
  title: LocalisedText;
  text: LocalisedText;
  responseGuidance: LocalisedText;
  verification?: { text: LocalisedText };
  evidence?: LocalisedText[];
  parameters: Parameter[];
};

/** An item's texts in one language, from the stored item (both languages) or from texts already in one. */
export function templatesIn(item: LocalisedItem, lang: Language): ItemTemplates {
  return {
    title: item.title[lang],
    text: item.text[lang],
    responseGuidance: item.responseGuidance[lang],
    ...(item.verification ? { verification: item.verification.text[lang] } : {}),
    ...(item.evidence ? { evidence: item.evidence.map((e) => e[lang]) } : {}),
  };
}

/**
 * Every text of an item rendered with the same values through the same renderer, so a title,
 * the clause text, the response guidance, the check and the evidence asked for can never state
 * different values. Values that do not fit their parameter render the default (the tender's
 * checks refuse to issue with them).
 */
export function renderItemTexts(templates: ItemTemplates, parameters: Parameter[], values: Record<string, unknown>, lang: Language): ItemTexts {
  const usable = usableValues(parameters, values);
  const render = (text: string) => renderTemplate(text, parameters, usable, lang);
  return {
    title: render(templates.title),
    text: render(templates.text),
    responseGuidance: render(templates.responseGuidance),
    verification: templates.verification === undefined ? '' : render(templates.verification),
    evidence: (templates.evidence ?? []).map(render),
  };
}

/** An item's title rendered with the given values (defaults where none is given). */
export function renderTitle(item: { title: LocalisedText; parameters: Parameter[] }, values: Record<string, unknown>, lang: Language): string {
  return renderTemplate(item.title[lang], item.parameters, usableValues(item.parameters, values), lang);
}

/** An item's title in both languages, rendered with the given values (defaults where none is given). */
export function renderTitles(item: { title: LocalisedText; parameters: Parameter[] }, values: Record<string, unknown> = {}): LocalisedText {
  return { nb: renderTitle(item, values, 'nb'), en: renderTitle(item, values, 'en') };
}
