import type { PrismaClient } from '../../generated/prisma/client.js';

/** The cheapest round trip there is: resolves when the database answers, rejects when it does not (readiness). */
export async function pingDatabase(prisma: PrismaClient): Promise<void> {
  await prisma.$queryRaw`SELECT 1`;
}
