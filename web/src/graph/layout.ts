import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk-api.js';
import workerUrl from 'elkjs/lib/elk-worker.min.js?url';
import { ACTOR_KIND, RESPONSE_KIND } from '../labels';
import type { GraphActor, GraphResponse, ResponseGraphModel } from './model';

export interface PlacedActor {
  actor: GraphActor;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The name as drawn: shortened with an ellipsis when too long for the box. */
  label: string;
}

export interface PlacedResponse {
  response: GraphResponse;
  path: string;
  label: { x: number; y: number; width: number; height: number; text: string } | null;
}

export interface GraphLayout {
  width: number;
  height: number;
  actors: PlacedActor[];
  responses: PlacedResponse[];
}

const NAME_FONT = '600 14px system-ui, sans-serif';
const LABEL_FONT = '12px system-ui, sans-serif';
const NODE_HEIGHT = 46;
const NODE_PADDING = 28;
const MAX_NODE_WIDTH = 240;

let elk: InstanceType<typeof ELK> | undefined;
// The layout engine (1.6 MB) runs in a Web Worker: it loads only when a graph is drawn and never blocks the page.
const engine = () => (elk ??= new ELK({ workerUrl }));

let context: CanvasRenderingContext2D | null | undefined;
function textWidth(text: string, font: string): number {
  context ??= document.createElement('canvas').getContext('2d');
  if (!context) return text.length * 8;
  context.font = font;
  return Math.ceil(context.measureText(text).width);
}

function fitted(name: string): { label: string; width: number } {
  const room = MAX_NODE_WIDTH - NODE_PADDING;
  let label = name;
  while (label.length > 4 && textWidth(label, NAME_FONT) > room) label = `${label.slice(0, -2).trimEnd()}…`;
  return { label, width: Math.max(96, Math.min(MAX_NODE_WIDTH, textWidth(label, NAME_FONT) + NODE_PADDING)) };
}

function pathOf(edge: ElkExtendedEdge): string {
  return (edge.sections ?? [])
    .map((section) => [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((point, index) => `${index ? 'L' : 'M'}${point.x},${point.y}`).join(' '))
    .join(' ');
}

/** Places actors in layers (answerers above the answered where cycles allow) and routes one edge per response. */
export async function layOut(model: ResponseGraphModel): Promise<GraphLayout> {
  const labels = new Map(model.actors.map((actor) => [actor.slug, fitted(actor.name)]));
  const graph: ElkNode = {
    id: 'graph',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '64',
      'elk.spacing.nodeNode': '36',
      'elk.spacing.edgeEdge': '14',
      'elk.spacing.edgeLabel': '4',
      'elk.layered.spacing.edgeNodeBetweenLayers': '20',
      'elk.edgeLabels.inline': 'true',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: model.actors.map((actor) => ({ id: actor.slug, width: labels.get(actor.slug)?.width ?? 120, height: NODE_HEIGHT })),
    edges: model.responses.map((response) => {
      const text = RESPONSE_KIND[response.kind];
      return {
        id: response.id,
        sources: [response.from.slug],
        targets: [response.to.slug],
        labels: [{ id: `${response.id}:label`, text, width: textWidth(text, LABEL_FONT) + 8, height: 16 }],
      };
    }),
  };
  const placed = await engine().layout(graph);
  const bySlug = new Map(model.actors.map((actor) => [actor.slug, actor]));
  const byId = new Map(model.responses.map((response) => [response.id, response]));
  return {
    width: Math.ceil(placed.width ?? 0),
    height: Math.ceil(placed.height ?? 0),
    actors: (placed.children ?? []).flatMap((node) => {
      const actor = bySlug.get(node.id);
      return actor ? [{ actor, x: node.x ?? 0, y: node.y ?? 0, width: node.width ?? 0, height: node.height ?? 0, label: labels.get(actor.slug)?.label ?? actor.name }] : [];
    }),
    responses: (placed.edges ?? []).flatMap((edge) => {
      const response = byId.get(edge.id);
      if (!response) return [];
      const label = edge.labels?.[0];
      return [
        {
          response,
          path: pathOf(edge),
          label: label ? { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0, text: label.text ?? '' } : null,
        },
      ];
    }),
  };
}

export const describeActor = (actor: GraphActor) => `${actor.name}, ${ACTOR_KIND[actor.kind]}`;
