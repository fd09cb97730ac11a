import {
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  Kind,
  type NameNode,
  type OperationDefinitionNode,
  OperationTypeNode,
  print,
  type SelectionNode,
  type SelectionSetNode,
  TypeInfo,
  type ValueNode,
  type VariableDefinitionNode,
  validate,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { createRandom, type Random } from './random.js';
import { globalId, type NodeType } from './reference/semantics.js';
import type { Snapshot } from './reference/snapshot.js';

/**
 * Random valid read queries over the whole schema, from a seed. The schema is walked as introspection
 * gives it, so a new field, argument or enum value is picked up without touching this file (an
 * argument it has no values for is left out, and reported by `unknownArguments`). Values come from the
 * data: real slugs, ids, search terms, dates, topics, and cursors the service handed out earlier in
 * the run (a later query pages forwards or backwards from them).
 */

export interface Catalog {
  slugs: { actors: string[]; statements: string[]; claims: string[]; sources: string[] };
  goneSlugs: { actors: string[]; statements: string[]; claims: string[] };
  ids: Record<NodeType, string[]>;
  goneIds: string[];
  wikidataIds: string[];
  topics: string[];
  ratingLabels: string[];
  scales: string[];
  dates: string[];
  texts: { actors: string[]; statements: string[]; claims: string[]; actorNamesAndAliases: string[] };
  /** The most rows one parent has on a relation (`Type.field`), or a table's size (`Query.field`). */
  sizes: Record<string, number>;
}

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

export function buildCatalog(data: Snapshot, gone: { slugs: Catalog['goneSlugs']; ids: string[] }): Catalog {
  const most = <Row>(rows: readonly Row[], parent: (row: Row) => string | null) => {
    const counts = new Map<string, number>();
    for (const row of rows) {
      const key = parent(row);
      if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return Math.max(0, ...counts.values());
  };
  // Every list in a stable order (by slug, not by id or storage order), so a seed draws the same values on every run and database.
  const sorted = <Row>(rows: readonly Row[], key: (row: Row) => string) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const slugOf = (map: Map<string, { slug: string }>, id: string) => map.get(id)?.slug ?? '';
  const actors = sorted(data.actors, (row) => row.slug);
  const statements = sorted(data.statements, (row) => row.slug);
  const claims = sorted(data.claims, (row) => row.slug);
  const sources = sorted(data.sources, (row) => row.slug);
  const stances = sorted(data.stances, (row) => `${slugOf(data.statementById, row.statementId)} ${slugOf(data.claimById, row.claimId)}`);
  const affiliations = sorted(data.affiliations, (row) => `${slugOf(data.actorById, row.actorId)} ${slugOf(data.actorById, row.organizationId)} ${row.role}`);
  const auditEntries = sorted(data.auditEntries, (row) => `${row.at.toISOString()} ${row.action} ${row.targetSlug ?? ''}`);
  return {
    slugs: {
      actors: actors.map((row) => row.slug),
      statements: statements.map((row) => row.slug),
      claims: claims.map((row) => row.slug),
      sources: sources.map((row) => row.slug),
    },
    goneSlugs: gone.slugs,
    ids: {
      Actor: actors.map((row) => globalId('Actor', row.id)),
      Affiliation: affiliations.map((row) => globalId('Affiliation', row.id)),
      Source: sources.map((row) => globalId('Source', row.id)),
      Statement: statements.map((row) => globalId('Statement', row.id)),
      Claim: claims.map((row) => globalId('Claim', row.id)),
      Stance: stances.map((row) => globalId('Stance', row.id)),
      AuditEntry: auditEntries.map((row) => globalId('AuditEntry', row.id)),
      Review: sorted(data.reviews, (row) => `${slugOf(data.claimById, row.claimId)} ${slugOf(data.actorById, row.reviewerId)}`).map((row) => globalId('Review', row.id)),
    },
    goneIds: gone.ids,
    wikidataIds: actors.flatMap((row) => (row.wikidataId ? [row.wikidataId] : [])),
    topics: [...new Set(claims.flatMap((row) => row.topics))].sort(),
    ratingLabels: [...new Set(data.ratingScales.flatMap((row) => row.labels))].sort(),
    scales: data.ratingScales.map((row) => row.slug).sort(),
    dates: [...new Set(statements.flatMap((row) => (row.saidOn ? [isoDate(row.saidOn)] : [])))].sort(),
    texts: {
      actors: actors.flatMap((row) => [row.name, ...row.aliases]),
      statements: statements.map((row) => row.text),
      claims: claims.map((row) => row.text),
      actorNamesAndAliases: actors.filter((row) => row.aliases.length > 0).map((row) => [row.name, ...row.aliases].join('\n')),
    },
    sizes: {
      'Query.actors': data.actors.length,
      'Query.statements': data.statements.length,
      'Query.claims': data.claims.length,
      'Query.sources': data.sources.length,
      'Query.reviews': data.reviews.length,
      'Actor.statements': most(data.statements, (row) => row.speakerId),
      'Actor.statementsOnBehalf': most(data.statements, (row) => row.onBehalfOfId),
      'Actor.affiliations': most(data.affiliations, (row) => row.actorId),
      'Actor.members': most(data.affiliations, (row) => row.organizationId),
      'Source.statements': most(data.statements, (row) => row.sourceId),
      'Source.claims': most(data.claims, (row) => row.sourceId),
      'Statement.responses': most(data.statements, (row) => row.respondsToId),
      'Statement.stances': most(data.stances, (row) => row.statementId),
      'Statement.thread': 12,
      'Claim.stances': most(data.stances, (row) => row.claimId),
      'Claim.statements': most(data.stances, (row) => row.claimId),
    },
  };
}

export interface GeneratedQuery {
  index: number;
  query: string;
  variables: Record<string, unknown>;
  /** How it came about, e.g. "next page of #12 Query.statements". */
  origin: string;
  document: DocumentNode;
  /** How to draw another value for each variable (see `variant`). */
  redraws?: Record<string, Redraw>;
}

/** Another value for a variable, from the same distribution as its first; undefined leaves the variable out. */
type Redraw = () => unknown;

interface Site {
  field: FieldNode;
  coordinate: string;
  /** Response keys from the root to the connection; `*` steps into every item of a list. */
  path: string[];
}

interface Generated {
  document: DocumentNode;
  variables: Record<string, unknown>;
  redraws?: Record<string, Redraw>;
}

interface HistoryEntry extends Generated {
  index: number;
  response: unknown;
}

/** Query fields the generator draws root fields from: the read API. */
export const READ_ROOTS = ['node', 'nodes', 'actor', 'actors', 'statement', 'statements', 'claim', 'claims', 'source', 'sources', '_entities'];

/**
 * Connections whose argument errors today's service reports at the field that planned the query (the
 * root field, or the nearest field that loads its own rows) rather than at the connection itself:
 * plugin-prisma plans `t.relatedConnection` into its parent's query. The generator sends them only
 * valid arguments (see quirks.ts: the reference would have to re-plan the service to follow this).
 */
export const ERRORS_REPORTED_BY_PARENT = new Set(['Source.claims']);

/**
 * Arguments the generator never sends (and the coverage check does not ask for): `asOf` reads the revision
 * tables, which the reference's snapshot does not hold (tests/support/reference/README.md says why; tests/
 * history.test.ts and the hostile suite cover them).
 */
export const NOT_GENERATED_ARGUMENTS = new Set(['asOf']);

const MAX_HOPS = 5;
/** Roughly how many objects a query may return; keeps one query from dumping the database. */
const MAX_ROWS = 600;

const nameNode = (value: string): NameNode => ({ kind: Kind.NAME, value });
const isConnectionType = (type: GraphQLNamedType): type is GraphQLObjectType => isObjectType(type) && type.name.endsWith('Connection') && 'edges' in type.getFields();
const PAGING = new Set(['first', 'last', 'after', 'before']);

function codePointSlice(text: string, random: Random, min: number, max: number): string {
  const points = Array.from(text);
  const length = Math.min(points.length, random.between(min, max));
  const start = random.int(Math.max(1, points.length - length + 1));
  return points.slice(start, start + length).join('');
}

function recase(text: string, random: Random): string {
  return random.weighted([
    [3, () => text],
    [2, () => text.toUpperCase()],
    [2, () => text.toLowerCase()],
    [1, () => Array.from(text, (c) => (random.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join('')],
  ] as const)();
}

export class QueryGenerator {
  private random: Random;
  private readonly variantRandom: Random;
  private readonly history: HistoryEntry[] = [];
  private readonly cursorPool = new Map<string, string[]>();
  private index = 0;
  readonly unknownArguments = new Set<string>();
  /** How often each `Type.field` and `Type.field(argument:)` was put in a query. */
  readonly coverage = new Map<string, number>();
  readonly stats = { generated: 0, continuations: 0, invalidRetries: 0, withVariables: 0, withFragments: 0, withDirectives: 0 };

  // Per-document state while one query is generated.
  private variables: { definition: VariableDefinitionNode; value: unknown; name: string; nonNull: boolean; redraw?: Redraw | undefined }[] = [];
  private fragments: FragmentDefinitionNode[] = [];
  private aliasCounter = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly catalog: Catalog,
    seed: number,
  ) {
    this.random = createRandom(`queries:${seed}`);
    this.variantRandom = createRandom(`variants:${seed}`);
  }

  /** The next query: most are fresh, some page on from a connection in an earlier response. */
  next(): GeneratedQuery {
    const index = this.index++;
    this.stats.generated++;
    if (this.history.length > 0 && this.random.chance(0.3)) {
      const continued = this.continuation(index);
      if (continued) {
        this.stats.continuations++;
        this.account(continued.document);
        return continued;
      }
    }
    for (let attempt = 0; attempt < 50; attempt++) {
      const generated = this.fresh(index);
      if (validate(this.schema, generated.document).length === 0) {
        this.account(generated.document);
        return { index, query: print(generated.document), variables: generated.variables, origin: 'fresh', document: generated.document, ...(generated.redraws ? { redraws: generated.redraws } : {}) };
      }
      this.stats.invalidRetries++;
    }
    throw new Error(`could not generate a valid query #${index} in 50 attempts`);
  }

  /**
   * The same query text with other values for its variables (each redrawn as it was first drawn; `@include`
   * and `@skip` conditions flipped or kept): the service reuses what it cached for the document (parse,
   * validation, the read compiler's plans) with variables that may change what the plan depends on.
   * Undefined for a query without variables. Draws from a random sequence of its own, so the main sequence
   * of queries stays the same.
   */
  variant(generated: GeneratedQuery): GeneratedQuery | undefined {
    const redraws = generated.redraws;
    if (!redraws || Object.keys(redraws).length === 0) return undefined;
    const main = this.random;
    this.random = this.variantRandom;
    try {
      const variables: Record<string, unknown> = {};
      for (const [name, redraw] of Object.entries(redraws)) {
        const value = this.random.chance(0.25) ? generated.variables[name] : redraw();
        if (value !== undefined) variables[name] = value;
      }
      return { ...generated, variables, origin: `variables redrawn for #${generated.index} (${generated.origin})` };
    } finally {
      this.random = main;
    }
  }

  /** Remembers what the service answered, for cursors to page from later. */
  observe(generated: GeneratedQuery, response: unknown) {
    const { document } = generated;
    this.history.push({ index: generated.index, document, variables: generated.variables, response });
    if (this.history.length > 40) this.history.shift();
    for (const site of this.sites(document)) {
      for (const instance of this.instances(response, site.path)) {
        const cursors = this.cursorsIn(instance, site.field, document);
        const pool = this.cursorPool.get(site.coordinate) ?? [];
        pool.push(...cursors.all);
        this.cursorPool.set(site.coordinate, pool.slice(-200));
      }
    }
  }

  /** Counts what a query that is handed out uses: its fields and arguments, variables, fragments, directives. */
  private account(document: DocumentNode) {
    const typeInfo = new TypeInfo(this.schema);
    const seen = { variables: false, fragments: false, directives: false };
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        VariableDefinition() {
          seen.variables = true;
        },
        FragmentSpread() {
          seen.fragments = true;
        },
        InlineFragment() {
          seen.fragments = true;
        },
        Directive() {
          seen.directives = true;
        },
        Field: (node) => {
          const parent = typeInfo.getParentType();
          if (!parent || node.name.value.startsWith('__')) return;
          const coordinate = `${parent.name}.${node.name.value}`;
          this.cover(coordinate);
          for (const arg of node.arguments ?? []) this.cover(`${coordinate}(${arg.name.value}:)`);
        },
      }),
    );
    if (seen.variables) this.stats.withVariables++;
    if (seen.fragments) this.stats.withFragments++;
    if (seen.directives) this.stats.withDirectives++;
  }

  // ---------------------------------------------------------------- fresh queries

  private fresh(index: number): Generated {
    this.variables = [];
    this.fragments = [];
    this.aliasCounter = 0;
    const query = this.schema.getQueryType();
    if (!query) throw new Error('no Query type');
    const roots = READ_ROOTS.filter((name) => query.getFields()[name]);
    const selections: SelectionNode[] = [];
    const used = new Set<string>();
    const count = this.random.weighted([
      [6, 1],
      [3, 2],
      [1, 3],
    ] as const);
    for (let n = 0; n < count; n++) {
      const field = query.getFields()[this.random.pick(roots)];
      if (!field) continue;
      const selection = this.fieldSelection(query, field, 0, 1, used);
      if (selection) selections.push(selection);
    }
    if (selections.length === 0) selections.push({ kind: Kind.FIELD, name: nameNode('__typename') });
    return this.document(index, selections);
  }

  private document(index: number, selections: SelectionNode[]): Generated {
    const operation: OperationDefinitionNode = {
      kind: Kind.OPERATION_DEFINITION,
      operation: OperationTypeNode.QUERY,
      ...(this.variables.length > 0 || this.random.chance(0.5) ? { name: nameNode(`Q${index}`) } : {}),
      variableDefinitions: this.variables.map((variable) => variable.definition),
      selectionSet: { kind: Kind.SELECTION_SET, selections },
    };
    const variables: Record<string, unknown> = {};
    for (const variable of this.variables) if (variable.value !== undefined) variables[variable.name] = variable.value;
    const redraws: Record<string, Redraw> = {};
    for (const { name, redraw, nonNull, value } of this.variables) {
      if (!redraw) continue;
      // A non-null variable keeps its value when the redraw gives none.
      redraws[name] = nonNull ? () => redraw() ?? value : redraw;
    }
    return { document: { kind: Kind.DOCUMENT, definitions: [operation, ...this.fragments] }, variables, redraws };
  }

  private alias(base: string) {
    this.aliasCounter++;
    return `${base}${this.aliasCounter}`;
  }

  /** A field with its arguments and selection; `hops` counts the objects above it, `rows` how many there may be. */
  private fieldSelection(parent: GraphQLCompositeType, field: GraphQLField<unknown, unknown>, hops: number, rows: number, used: Set<string>): FieldNode | undefined {
    const named = getNamedType(field.type);
    const coordinate = `${parent.name}.${field.name}`;
    const leaf = isLeafType(named);
    if (!leaf && hops >= MAX_HOPS) return undefined;
    const connection = isConnectionType(named);
    const args = this.arguments(coordinate, field, hops, rows, connection);
    if (!args) return undefined;
    let alias: string | undefined;
    if (used.has(field.name) || this.random.chance(leaf ? 0.1 : 0.2)) alias = this.alias(field.name);
    used.add(alias ?? field.name);
    let selectionSet: SelectionSetNode | undefined;
    if (!leaf && isCompositeType(named)) {
      const many = isListType(getNullableType(field.type));
      const expected = connection ? args.pageSize : many ? this.listSize(coordinate, args.nodes) : 1;
      selectionSet = connection ? this.connectionSelection(named, hops, rows * Math.max(1, expected)) : this.selectionSet(named, hops + 1, rows * Math.max(1, expected));
    }
    return {
      kind: Kind.FIELD,
      ...(alias ? { alias: nameNode(alias) } : {}),
      name: nameNode(field.name),
      arguments: args.nodes,
      directives: this.maybeDirectives(0.08),
      ...(selectionSet ? { selectionSet } : {}),
    };
  }

  private cover(key: string) {
    this.coverage.set(key, (this.coverage.get(key) ?? 0) + 1);
  }

  private listSize(coordinate: string, args: readonly ArgumentNode[]): number {
    const list = args.find((arg) => arg.value.kind === Kind.LIST);
    if (list && list.value.kind === Kind.LIST) return list.value.values.length;
    return this.catalog.sizes[coordinate] ?? 10;
  }

  private selectionSet(type: GraphQLCompositeType, hops: number, rows: number): SelectionSetNode {
    const selections: SelectionNode[] = [];
    const used = new Set<string>();
    const possible = isAbstractType(type) ? this.schema.getPossibleTypes(type) : [type];
    if (isAbstractType(type)) {
      if (this.random.chance(0.6)) selections.push({ kind: Kind.FIELD, name: nameNode('__typename') });
      if (isInterfaceType(type)) {
        for (const field of this.random.sample(Object.values(type.getFields()), this.random.between(0, 2))) {
          const selection = this.fieldSelection(type, field, hops, rows, used);
          if (selection) selections.push(selection);
        }
      }
      for (const member of this.random.sample(possible, this.random.between(1, Math.min(3, possible.length)))) {
        selections.push(this.fragmentOn(member, hops, rows));
      }
      if (this.random.chance(0.2)) {
        // The same selections again, inside a fragment on the interface or union itself.
        const name = nameNode(`F${this.fragments.length + 1}${type.name}`);
        const own: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: [...selections] };
        if (this.random.chance(0.5)) {
          this.fragments.push({ kind: Kind.FRAGMENT_DEFINITION, name, typeCondition: { kind: Kind.NAMED_TYPE, name: nameNode(type.name) }, selectionSet: own });
          return { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FRAGMENT_SPREAD, name, directives: this.maybeDirectives(0.15) }] };
        }
        return { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.INLINE_FRAGMENT, typeCondition: { kind: Kind.NAMED_TYPE, name: nameNode(type.name) }, selectionSet: own }] };
      }
    } else if (isObjectType(type)) {
      const fields = Object.values(type.getFields());
      const count = this.random.weighted([
        [2, 1],
        [4, 2],
        [3, 3],
        [2, 5],
      ] as const);
      for (const field of this.random.sample(fields, count)) {
        const selection = this.fieldSelection(type, field, hops, rows, used);
        if (!selection) continue;
        if (this.random.chance(0.1)) {
          // The same field again under another name, with other arguments when it takes any.
          const again = this.fieldSelection(type, field, hops, rows, used);
          if (again) selections.push(again);
        }
        selections.push(this.random.chance(0.12) ? this.inlineFragment(type, [selection]) : selection);
      }
      if (this.random.chance(0.15)) selections.push({ kind: Kind.FIELD, name: nameNode('__typename') });
      const interfaces = type.getInterfaces();
      if (interfaces.length > 0 && this.random.chance(0.12)) selections.push(this.fragmentOn(this.random.pick(interfaces), hops, rows));
      if (this.random.chance(0.12)) selections.push(this.fragmentOn(type, hops, rows));
    }
    if (selections.length === 0) selections.push({ kind: Kind.FIELD, name: nameNode('__typename') });
    return { kind: Kind.SELECTION_SET, selections };
  }

  private inlineFragment(type: GraphQLCompositeType, selections: SelectionNode[]): SelectionNode {
    return {
      kind: Kind.INLINE_FRAGMENT,
      ...(this.random.chance(0.6) ? { typeCondition: { kind: Kind.NAMED_TYPE, name: nameNode(type.name) } } : {}),
      directives: this.maybeDirectives(0.4),
      selectionSet: { kind: Kind.SELECTION_SET, selections },
    };
  }

  /** An inline fragment or a named one (new, or one already in the document) on `type`. */
  private fragmentOn(type: GraphQLCompositeType, hops: number, rows: number): SelectionNode {
    const reusable = this.fragments.filter((fragment) => fragment.typeCondition.name.value === type.name);
    if (reusable.length > 0 && this.random.chance(0.5)) {
      return { kind: Kind.FRAGMENT_SPREAD, name: this.random.pick(reusable).name, directives: this.maybeDirectives(0.15) };
    }
    const selectionSet = this.selectionSet(type, hops, rows);
    if (this.random.chance(0.5)) {
      return { kind: Kind.INLINE_FRAGMENT, typeCondition: { kind: Kind.NAMED_TYPE, name: nameNode(type.name) }, directives: this.maybeDirectives(0.15), selectionSet };
    }
    const name = nameNode(`F${this.fragments.length + 1}${type.name}`);
    this.fragments.push({ kind: Kind.FRAGMENT_DEFINITION, name, typeCondition: { kind: Kind.NAMED_TYPE, name: nameNode(type.name) }, selectionSet });
    return { kind: Kind.FRAGMENT_SPREAD, name, directives: this.maybeDirectives(0.15) };
  }

  private connectionSelection(connection: GraphQLObjectType, hops: number, rows: number): SelectionSetNode {
    const fields = connection.getFields();
    const selections: SelectionNode[] = [];
    const used = new Set<string>();
    const plain = (name: string, children?: SelectionNode[]): FieldNode => {
      const alias = this.random.chance(0.08) ? this.alias(name) : undefined;
      used.add(alias ?? name);
      return {
        kind: Kind.FIELD,
        ...(alias ? { alias: nameNode(alias) } : {}),
        name: nameNode(name),
        directives: this.maybeDirectives(0.05),
        ...(children ? { selectionSet: { kind: Kind.SELECTION_SET, selections: children } } : {}),
      };
    };
    for (const field of Object.values(fields)) {
      const named = getNamedType(field.type);
      if (field.name === 'edges' && isObjectType(named)) {
        if (!this.random.chance(0.85)) continue;
        const edgeSelections: SelectionNode[] = [];
        for (const edgeField of Object.values(named.getFields())) {
          const edgeType = getNamedType(edgeField.type);
          if (edgeField.name === 'node' && isCompositeType(edgeType)) {
            if (this.random.chance(0.9)) edgeSelections.push(plain('node', this.selectionSet(edgeType, hops + 1, rows).selections as SelectionNode[]));
          } else if (isLeafType(edgeType) && this.random.chance(edgeField.name === 'cursor' ? 0.6 : 0.5)) {
            edgeSelections.push(plain(edgeField.name));
          }
        }
        if (edgeSelections.length === 0) edgeSelections.push(plain('cursor'));
        selections.push(plain('edges', edgeSelections));
      } else if (field.name === 'pageInfo' && isObjectType(named)) {
        if (!this.random.chance(0.6)) continue;
        const info = this.random.sample(Object.keys(named.getFields()), this.random.between(1, 4)).map((name) => plain(name));
        selections.push(plain('pageInfo', info));
      } else if (isLeafType(named) && this.random.chance(0.5)) {
        selections.push(plain(field.name));
      }
    }
    if (selections.length === 0) selections.push(plain('totalCount' in fields ? 'totalCount' : '__typename'));
    return { kind: Kind.SELECTION_SET, selections };
  }

  private maybeDirectives(p: number): DirectiveNode[] {
    if (!this.random.chance(p)) return [];
    const directive = this.random.pick(['include', 'skip']);
    const condition = this.random.chance(0.5);
    const value: ValueNode = this.random.chance(0.5)
      ? { kind: Kind.BOOLEAN, value: condition }
      : this.variable('b', 'Boolean!', condition, undefined, () => this.random.chance(0.5));
    return [{ kind: Kind.DIRECTIVE, name: nameNode(directive), arguments: [{ kind: Kind.ARGUMENT, name: nameNode('if'), value }] }];
  }

  // ---------------------------------------------------------------- arguments and values

  private variable(prefix: string, type: string, value: unknown, defaultValue?: ValueNode, redraw?: Redraw): ValueNode {
    const name = `${prefix}${this.variables.length + 1}`;
    this.variables.push({
      name,
      nonNull: type.endsWith('!'),
      redraw,
      value: defaultValue ? undefined : value,
      definition: {
        kind: Kind.VARIABLE_DEFINITION,
        variable: { kind: Kind.VARIABLE, name: nameNode(name) },
        type: this.typeNode(type),
        ...(defaultValue ? { defaultValue: defaultValue as VariableDefinitionNode['defaultValue'] } : {}),
      },
    });
    return { kind: Kind.VARIABLE, name: nameNode(name) };
  }

  private typeNode(type: string): VariableDefinitionNode['type'] {
    if (type.endsWith('!')) return { kind: Kind.NON_NULL_TYPE, type: this.typeNode(type.slice(0, -1)) as Exclude<VariableDefinitionNode['type'], { kind: Kind.NON_NULL_TYPE }> };
    if (type.startsWith('[')) return { kind: Kind.LIST_TYPE, type: this.typeNode(type.slice(1, -1)) };
    return { kind: Kind.NAMED_TYPE, name: nameNode(type) };
  }

  private literal(value: unknown, type: GraphQLInputType): ValueNode {
    const inner = getNullableType(type);
    if (value === null) return { kind: Kind.NULL };
    if (Array.isArray(value)) {
      const item = isListType(inner) ? (inner.ofType as GraphQLInputType) : inner;
      return { kind: Kind.LIST, values: value.map((entry) => this.literal(entry, item)) as ValueNode[] as never };
    }
    if (typeof value === 'boolean') return { kind: Kind.BOOLEAN, value };
    if (typeof value === 'number') return { kind: Kind.INT, value: String(value) };
    if (typeof value === 'string') return isEnumType(inner) ? { kind: Kind.ENUM, value } : { kind: Kind.STRING, value };
    if (typeof value === 'object') {
      return {
        kind: Kind.OBJECT,
        fields: Object.entries(value as Record<string, unknown>).map(([key, entry]) => ({ kind: Kind.OBJECT_FIELD, name: nameNode(key), value: this.literal(entry, type) })) as never,
      };
    }
    throw new Error(`no literal for ${String(value)}`);
  }

  /** An argument value, inline or as a variable (sometimes a variable's default). */
  private value(arg: GraphQLArgument, value: unknown, redraw?: Redraw): ValueNode {
    if (this.random.chance(0.5)) return this.literal(value, arg.type);
    if (typeof value === 'number' && this.random.chance(0.2)) return this.variable('v', String(getNullableType(arg.type)), value, this.literal(value, arg.type), redraw);
    return this.variable('v', String(arg.type), value, undefined, redraw);
  }

  private arguments(coordinate: string, field: GraphQLField<unknown, unknown>, hops: number, rows: number, connection: boolean): { nodes: ArgumentNode[]; pageSize: number } | undefined {
    const nodes: ArgumentNode[] = [];
    const add = (arg: GraphQLArgument, value: unknown, redraw: Redraw) => nodes.push({ kind: Kind.ARGUMENT, name: nameNode(arg.name), value: this.value(arg, value, redraw) });
    const byName = new Map(field.args.map((arg) => [arg.name, arg]));
    let pageSize = 0;
    if (connection) {
      const paging = this.paging(coordinate, hops, rows);
      pageSize = paging.size;
      for (const [name, value] of Object.entries(paging.args)) {
        const arg = byName.get(name);
        if (arg) add(arg, value, this.pagingRedraw(coordinate, name, rows));
      }
    }
    for (const arg of field.args) {
      if (connection && PAGING.has(arg.name)) continue;
      if (NOT_GENERATED_ARGUMENTS.has(arg.name)) continue;
      const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
      if (!required && !this.random.chance(0.45)) continue;
      const value = this.argumentValue(coordinate, arg);
      if (value === undefined) {
        this.unknownArguments.add(`${coordinate}(${arg.name}:)`);
        if (required) return undefined;
        continue;
      }
      add(arg, value, () => this.argumentValue(coordinate, arg));
    }
    return { nodes: this.random.chance(0.5) ? nodes : [...nodes].reverse(), pageSize };
  }

  /** Another value for a paging argument: another size (none, zero, an error now and then), another cursor or none. */
  private pagingRedraw(coordinate: string, name: string, rows: number): Redraw {
    if (name === 'after' || name === 'before') return () => (this.random.chance(0.3) ? null : this.random.chance(0.2) ? undefined : this.cursorFor(coordinate));
    // Within the query's row budget, as `paging` draws them; no size (the default page, 20) only where 20 fit.
    const room = Math.max(1, Math.floor(MAX_ROWS / Math.max(1, rows)));
    const total = this.catalog.sizes[coordinate] ?? 20;
    const sizes = [0, 1, 2, 3, total, 20, 100].filter((size) => size <= room || size <= 1);
    return () =>
      this.random.weighted<() => number | null | undefined>([
        [room >= 20 ? 1 : 0, () => this.random.pick([undefined, null])],
        [6, () => this.random.pick(sizes)],
        [0.5, () => this.random.pick([101, -1])],
      ])();
  }

  private cursorFor(coordinate: string): string | undefined {
    const own = this.cursorPool.get(coordinate);
    if (own && own.length > 0 && this.random.chance(0.9)) return this.random.pick(own);
    const any = [...this.cursorPool.values()].flat();
    return any.length > 0 ? this.random.pick(any) : undefined;
  }

  /** `first`/`last`/`after`/`before`: page sizes at the edges (0, 1, exact counts, 100), cursors from the pool. */
  private paging(coordinate: string, hops: number, rows: number): { args: Record<string, number | string>; size: number } {
    const total = this.catalog.sizes[coordinate] ?? 20;
    const room = Math.max(1, Math.floor(MAX_ROWS / Math.max(1, rows)));
    const sizes = [0, 1, 1, 2, 3, 5, total, total + 1, Math.max(0, total - 1), 20, 100].filter((size) => size <= Math.max(room, 1) || size <= 1);
    const size = this.random.pick(sizes);
    const invalid = ERRORS_REPORTED_BY_PARENT.has(coordinate) ? 0 : 0.15;
    const mode = this.random.weighted([
      [hops === 0 && room >= 20 ? 3 : 0.5, 'default'],
      [5, 'first'],
      [3, 'last'],
      [3, 'after'],
      [2, 'before'],
      [0.3, 'first+last'],
      [invalid, 'conflict'],
      [invalid, 'too-large'],
    ] as const);
    const cursor = mode === 'after' || mode === 'before' || mode === 'conflict' ? this.cursorFor(coordinate) : undefined;
    switch (mode) {
      case 'first':
        return { args: { first: size }, size };
      case 'last':
        return { args: { last: size }, size };
      case 'after':
        return cursor ? { args: { first: size, after: cursor }, size } : { args: { first: size }, size };
      case 'before':
        return cursor ? { args: { last: size, before: cursor }, size } : { args: { last: size }, size };
      case 'first+last':
        return { args: { first: size, last: this.random.pick([0, 1, 2]) }, size };
      case 'conflict':
        return cursor ? { args: { first: 1, before: cursor }, size: 1 } : { args: { first: 1 }, size: 1 };
      case 'too-large':
        return { args: { [this.random.pick(['first', 'last'])]: this.random.pick([101, 500, -1]) }, size: 0 };
      default:
        return { args: {}, size: Math.min(20, total) };
    }
  }

  private slugFrom(kind: 'actors' | 'statements' | 'claims' | 'sources'): string {
    const gone = kind === 'sources' ? [] : this.catalog.goneSlugs[kind];
    return this.random.weighted([
      [16, () => this.random.pick(this.catalog.slugs[kind])],
      [gone.length > 0 ? 2 : 0, () => this.random.pick(gone)],
      [1, () => `no-such-${kind}`],
      [0.5, () => ''],
    ] as const)();
  }

  private globalIdValue(allowMalformed: boolean): string {
    const ids = this.catalog.ids;
    return this.random.weighted([
      [20, () => this.random.pick(ids[this.random.weighted<NodeType>([[4, 'Actor'], [6, 'Statement'], [4, 'Claim'], [2, 'Source'], [3, 'Stance'], [2, 'Affiliation'], [ids.AuditEntry.length > 0 ? 0.5 : 0, 'AuditEntry'], [ids.Review.length > 0 ? 1 : 0, 'Review']])])],
      [this.catalog.goneIds.length > 0 ? 1 : 0, () => this.random.pick(this.catalog.goneIds)],
      [1, () => globalId(this.random.pick(['Actor', 'Statement', 'Claim'] as const), this.uuid())],
      [1, () => {
        // A real row id under another type's name.
        const statement = Buffer.from(this.random.pick(ids.Statement), 'base64').toString('utf8').split(':')[1] ?? '';
        return globalId('Actor', statement);
      }],
      [allowMalformed ? 0.4 : 0, () => this.random.pick(['bad-id', 'QWN0b3I6bm90LWEtdXVpZA==', ''])],
    ] as const)();
  }

  private uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.random.int(16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  private representation(): Record<string, unknown> {
    const ids = this.catalog.ids;
    return this.random.weighted([
      [3, () => ({ __typename: 'Actor', id: this.random.pick(ids.Actor) })],
      [3, () => ({ __typename: 'Actor', slug: this.slugFrom('actors') })],
      [this.catalog.wikidataIds.length > 0 ? 2 : 0, () => ({ __typename: 'Actor', wikidataId: this.random.chance(0.85) ? this.random.pick(this.catalog.wikidataIds) : 'Q999999' })],
      [0.5, () => ({ __typename: 'Actor', slug: this.random.pick(this.catalog.slugs.actors), id: this.random.pick(ids.Actor) })],
      [0.3, () => ({ __typename: 'Actor' })],
      [3, () => ({ __typename: 'Statement', id: this.random.chance(0.9) ? this.random.pick(ids.Statement) : this.globalIdValue(false) })],
      [2, () => ({ __typename: 'Claim', id: this.random.chance(0.9) ? this.random.pick(ids.Claim) : this.random.pick(ids.Actor) })],
      [2, () => ({ __typename: 'Source', id: this.random.pick(ids.Source) })],
    ] as const)();
  }

  private searchTerm(coordinate: string): string {
    const texts =
      coordinate === 'Query.actors' ? this.catalog.texts.actors : coordinate === 'Query.claims' ? this.catalog.texts.claims : this.catalog.texts.statements;
    return this.random.weighted([
      [10, () => recase(codePointSlice(this.random.pick(texts), this.random, 1, 10), this.random)],
      [2, () => `  ${codePointSlice(this.random.pick(texts), this.random, 2, 6)}\t`],
      [3, () => this.random.pick(['%', '_', '\\', '%_', '50%', '0%', 'a_b', '_s', 'C:\\', '\\s', '%%', 'under_score'])],
      [3, () => this.random.pick(['ΟΔΟΣ', 'οδοσ', 'οδος', 'ΣΟΦ', 'σοφοσ', 'ΟΣ', 'istanbul', 'İSTANBUL', 'i̇stanbul', 'İ', 'k', 'K', 'KELVIN', 'ß', 'STRASSE', 'straße', 'émile', 'ÉMILE', '😀', 'ｱｲｳ', '北京', 'zoë'])],
      [1, () => this.random.pick(['   ', '', 'no such text anywhere'])],
      [coordinate === 'Query.actors' && this.catalog.texts.actorNamesAndAliases.length > 0 ? 1 : 0, () => {
        // Straddles the end of an actor's name and the start of its first alias.
        const joined = this.random.pick(this.catalog.texts.actorNamesAndAliases);
        const cut = joined.indexOf('\n');
        return `${joined.slice(Math.max(0, cut - 2), cut)}\n${joined.slice(cut + 1, cut + 3)}`;
      }],
      [0.1, () => 'x'.repeat(201)],
    ] as const)();
  }

  private dateValue(): string {
    const base = new Date(`${this.random.pick(this.catalog.dates.length > 0 ? this.catalog.dates : ['2024-11-01'])}T00:00:00Z`);
    base.setUTCDate(base.getUTCDate() + this.random.pick([0, 0, 0, -1, 1, -30, 30]));
    return isoDate(base);
  }

  /** A meaningful value for an argument, or undefined when the generator knows none. */
  private argumentValue(coordinate: string, arg: GraphQLArgument): unknown {
    const type = getNullableType(arg.type);
    const named = getNamedType(arg.type);
    const key = `${coordinate}.${arg.name}`;
    if (!isNonNullType(arg.type) && this.random.chance(0.04)) return null;
    switch (key) {
      case 'Query.node.id':
        return this.globalIdValue(true);
      case 'Query.nodes.ids':
        return Array.from({ length: this.random.between(0, 6) }, () => this.globalIdValue(this.random.chance(0.1)));
      case 'Query._entities.representations':
        return Array.from({ length: this.random.between(1, 5) }, () => this.representation());
      case 'Query.actor.slug':
        return this.slugFrom('actors');
      case 'Query.statement.slug':
        return this.slugFrom('statements');
      case 'Query.claim.slug':
        return this.slugFrom('claims');
      case 'Query.source.slug':
        return this.slugFrom('sources');
      case 'Query.topics.first':
        return this.random.pick([0, 1, 2, 5, 50, 100]);
      case 'Query.topics.search':
        return this.random.weighted([
          [6, () => recase(codePointSlice(this.random.pick(this.catalog.topics), this.random, 1, 6), this.random)],
          [2, () => this.random.pick(this.catalog.topics).replaceAll('-', ' ')],
          [1, () => this.random.pick(['%', '_', '-', ' - ', 'no such topic', '', '   '])],
        ] as const)();
      case 'Query.reviews.reviewer':
        return this.slugFrom('actors');
      case 'Query.reviews.rating':
        return this.random.weighted([
          [6, () => this.random.pick(this.catalog.ratingLabels)],
          [2, () => this.random.pick(this.catalog.ratingLabels).toUpperCase()],
          [1, () => this.random.pick(['%', 'no such rating', ''])],
        ] as const)();
      case 'Query.reviews.scale':
        return this.random.chance(0.9) ? this.random.pick(this.catalog.scales) : 'no-such-scale';
      case 'Actor.positions.claim':
        // A slug or a global ID (README "Positions"); another type's ID or a string that is neither is INVALID_ID.
        return this.random.weighted([
          [8, () => this.slugFrom('claims')],
          [3, () => this.random.pick(this.catalog.ids.Claim)],
          [0.5, () => this.random.pick(this.catalog.ids.Statement)],
          [0.5, () => this.random.pick(['Not A Slug', 'no-such-claim', ''])],
        ] as const)();
      case 'Claim.similar.first':
        return this.random.pick([1, 2, 3, 10, 50, 0, 51]);
      default:
        break;
    }
    switch (arg.name) {
      case 'speaker':
      case 'onBehalfOf':
      case 'actor':
        return this.slugFrom('actors');
      case 'claim':
        return this.slugFrom('claims');
      case 'source':
        return this.slugFrom('sources');
      case 'search':
        return this.searchTerm(coordinate);
      case 'topic':
        return this.random.weighted([
          [8, () => this.random.pick(this.catalog.topics)],
          [1, () => this.random.pick(this.catalog.topics).toUpperCase()],
          [1, () => 'no-such-topic'],
          [0.5, () => ''],
        ] as const)();
      case 'from':
      case 'to':
        return this.dateValue();
      default:
        break;
    }
    if (isEnumType(named) && !isListType(type)) return this.random.pick(named.getValues()).name;
    if (named.name === 'Boolean' && !isListType(type)) return this.random.chance(0.6);
    return undefined;
  }

  // ---------------------------------------------------------------- next pages from earlier answers

  /** Every connection field the operation selects, with the response path to it (fragments followed). */
  private sites(document: DocumentNode): Site[] {
    const fragments = new Map<string, FragmentDefinitionNode>();
    let operation: OperationDefinitionNode | undefined;
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      if (definition.kind === Kind.OPERATION_DEFINITION) operation = definition;
    }
    const sites: Site[] = [];
    const walk = (selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined, path: string[], depth: number) => {
      if (!parent || depth > 40) return;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
          if (!field) continue;
          const key = selection.alias?.value ?? selection.name.value;
          const named = getNamedType(field.type);
          const fieldPath = [...path, key];
          if (isConnectionType(named)) sites.push({ field: selection, coordinate: `${parent.name}.${field.name}`, path: fieldPath });
          if (selection.selectionSet) walk(selection.selectionSet, named, isListType(getNullableType(field.type)) ? [...fieldPath, '*'] : fieldPath, depth + 1);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          walk(selection.selectionSet, selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent, path, depth + 1);
        } else {
          const fragment = fragments.get(selection.name.value);
          if (fragment) walk(fragment.selectionSet, this.schema.getType(fragment.typeCondition.name.value), path, depth + 1);
        }
      }
    };
    const root = this.schema.getQueryType();
    if (operation && root) walk(operation.selectionSet, root, [], 0);
    return sites;
  }

  private instances(response: unknown, path: string[]): Record<string, unknown>[] {
    let current: unknown[] = [(response as { data?: unknown })?.data];
    for (const step of path) {
      current = current.flatMap((value) => {
        if (value === null || value === undefined) return [];
        if (step === '*') return Array.isArray(value) ? value : [];
        return typeof value === 'object' ? [(value as Record<string, unknown>)[step]] : [];
      });
    }
    return current.filter((value): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value));
  }

  /** The response keys under which `selectionSet` (fragments followed) selects `fieldName`, with their own selections. */
  private keysOf(selectionSet: SelectionSetNode | undefined, fieldName: string, document: DocumentNode): FieldNode[] {
    if (!selectionSet) return [];
    const fragments = new Map(document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])));
    const found: FieldNode[] = [];
    const walk = (set: SelectionSetNode, depth: number) => {
      if (depth > 20) return;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD && selection.name.value === fieldName) found.push(selection);
        else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, depth + 1);
        else if (selection.kind === Kind.FRAGMENT_SPREAD) {
          const fragment = fragments.get(selection.name.value);
          if (fragment) walk(fragment.selectionSet, depth + 1);
        }
      }
    };
    walk(selectionSet, 0);
    return found;
  }

  private cursorsIn(instance: Record<string, unknown>, field: FieldNode, document: DocumentNode): { start?: string; end?: string; all: string[]; totalCount?: number } {
    const all: string[] = [];
    let totalCount: number | undefined;
    let start: string | undefined;
    let end: string | undefined;
    const key = (node: FieldNode) => node.alias?.value ?? node.name.value;
    const documentOf = document;
    for (const edgesField of this.keysOf(field.selectionSet, 'edges', documentOf)) {
      const edges = instance[key(edgesField)];
      if (!Array.isArray(edges)) continue;
      for (const cursorField of this.keysOf(edgesField.selectionSet, 'cursor', documentOf)) {
        for (const edge of edges) {
          const cursor = (edge as Record<string, unknown> | null)?.[key(cursorField)];
          if (typeof cursor === 'string') all.push(cursor);
        }
      }
    }
    for (const infoField of this.keysOf(field.selectionSet, 'pageInfo', documentOf)) {
      const info = instance[key(infoField)] as Record<string, unknown> | undefined;
      if (!info) continue;
      for (const startField of this.keysOf(infoField.selectionSet, 'startCursor', documentOf)) {
        const value = info[key(startField)];
        if (typeof value === 'string') start = value;
      }
      for (const endField of this.keysOf(infoField.selectionSet, 'endCursor', documentOf)) {
        const value = info[key(endField)];
        if (typeof value === 'string') end = value;
      }
    }
    for (const countField of this.keysOf(field.selectionSet, 'totalCount', documentOf)) {
      const value = instance[key(countField)];
      if (typeof value === 'number') totalCount = value;
    }
    return {
      ...(start ? { start } : {}),
      ...(end ? { end } : {}),
      ...(totalCount === undefined ? {} : { totalCount }),
      all: [...all, ...(start ? [start] : []), ...(end ? [end] : [])],
    };
  }

  /** The next (or previous) page of one connection in an earlier query: same query, new paging arguments. */
  private continuation(index: number): GeneratedQuery | undefined {
    for (let attempt = 0; attempt < 5; attempt++) {
      const earlier = this.random.pick(this.history);
      const candidates = this.sites(earlier.document).flatMap((site) =>
        this.instances(earlier.response, site.path).map((instance) => ({ site, cursors: this.cursorsIn(instance, site.field, earlier.document) })),
      );
      const usable = candidates.filter(({ cursors }) => cursors.all.length > 0);
      if (usable.length === 0) continue;
      const { site, cursors } = this.random.pick(usable);
      const forward = this.random.chance(0.6);
      const cursor = forward ? (cursors.end ?? this.random.pick(cursors.all)) : (cursors.start ?? this.random.pick(cursors.all));
      // Page sizes at the edges, the exact total among them when the earlier answer gave it.
      const exact = cursors.totalCount === undefined ? [] : [cursors.totalCount, cursors.totalCount + 1, Math.max(0, cursors.totalCount - 1)].filter((n) => n <= 100);
      const size = this.random.pick([0, 1, 2, 3, 5, 10, ...exact]);
      const document = this.withPaging(earlier.document, earlier.variables, site.field, forward ? { first: size, after: cursor } : { last: size, before: cursor });
      if (!document || validate(this.schema, document.document).length > 0) continue;
      return {
        index,
        query: print(document.document),
        variables: document.variables,
        origin: `${forward ? 'next' : 'previous'} page of #${earlier.index} ${site.coordinate}`,
        document: document.document,
      };
    }
    return undefined;
  }

  private withPaging(document: DocumentNode, variables: Record<string, unknown>, target: FieldNode, paging: Record<string, string | number>): Generated | undefined {
    let replaced = false;
    const pagingArguments: ArgumentNode[] = Object.entries(paging).map(([name, value]) => ({
      kind: Kind.ARGUMENT,
      name: nameNode(name),
      value: typeof value === 'number' ? { kind: Kind.INT, value: String(value) } : { kind: Kind.STRING, value },
    }));
    const changed = visit(document, {
      Field: {
        enter(node) {
          if (node !== target) return undefined;
          replaced = true;
          return { ...node, arguments: [...(node.arguments ?? []).filter((arg) => !PAGING.has(arg.name.value)), ...pagingArguments] };
        },
      },
    });
    if (!replaced) return undefined;
    // Variables the old paging arguments used, and nothing else, go.
    const usedNames = new Set<string>();
    visit(changed, {
      VariableDefinition: () => false,
      Variable(node) {
        usedNames.add(node.name.value);
      },
    });
    const definitions = changed.definitions.map((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION
        ? { ...definition, variableDefinitions: (definition.variableDefinitions ?? []).filter((variable) => usedNames.has(variable.variable.name.value)) }
        : definition,
    );
    const kept = Object.fromEntries(Object.entries(variables).filter(([name]) => usedNames.has(name)));
    return { document: { ...changed, definitions }, variables: kept };
  }
}

/** Every `Type.field` and `Type.field(argument:)` a read query can reach from READ_ROOTS: what the generator should cover. */
export function readCoordinates(schema: GraphQLSchema): string[] {
  const coordinates = new Set<string>();
  const seen = new Set<string>();
  const visitType = (type: GraphQLNamedType) => {
    if (seen.has(type.name)) return;
    seen.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        coordinates.add(`${type.name}.${field.name}`);
        for (const arg of field.args) if (!NOT_GENERATED_ARGUMENTS.has(arg.name)) coordinates.add(`${type.name}.${field.name}(${arg.name}:)`);
        visitType(getNamedType(field.type));
      }
    }
    if (isInterfaceType(type) || isUnionType(type)) for (const member of schema.getPossibleTypes(type)) visitType(member);
  };
  const query = schema.getQueryType();
  for (const root of READ_ROOTS) {
    const field = query?.getFields()[root];
    if (!field) continue;
    coordinates.add(`Query.${root}`);
    for (const arg of field.args) if (!NOT_GENERATED_ARGUMENTS.has(arg.name)) coordinates.add(`Query.${root}(${arg.name}:)`);
    visitType(getNamedType(field.type));
  }
  return [...coordinates].sort();
}
