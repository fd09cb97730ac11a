# syntax=docker/dockerfile:1

FROM node:22-bookworm-slim AS deps
WORKDIR /app
# postinstall runs `prisma generate`, builds the explorer, compiles src/ to dist/ and makes the embedded
# database's template: they need the schema, its config, the scripts, web/ and src/ before `npm ci`.
COPY package.json package-lock.json prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY scripts/ scripts/
COPY prisma/ prisma/
COPY web/ web/
COPY src/ src/
RUN npm ci && npm prune --omit=dev --ignore-scripts && npm cache clean --force

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/app/data/pglite
WORKDIR /app
RUN mkdir -p /app/data && chown node:node /app /app/data
COPY --from=deps --chown=node:node /app/node_modules node_modules/
COPY --chown=node:node . .
COPY --from=deps --chown=node:node /app/src/generated src/generated/
COPY --from=deps --chown=node:node /app/web/dist web/dist/
COPY --from=deps --chown=node:node /app/dist dist/
USER node
EXPOSE 4000
VOLUME ["/app/data"]
CMD ["npm", "start"]
