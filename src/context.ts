import DataLoader from 'dataloader';
import type { PrismaClient, Statement } from './generated/prisma/client.js';

export interface Context {
  prisma: PrismaClient;
  loaders: ReturnType<typeof createLoaders>;
}

export function createLoaders(prisma: PrismaClient) {
  return {
    statementById: new DataLoader<string, Statement | null>(async (ids) => {
      const rows = await prisma.statement.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

export function createContext(prisma: PrismaClient): Context {
  return { prisma, loaders: createLoaders(prisma) };
}
