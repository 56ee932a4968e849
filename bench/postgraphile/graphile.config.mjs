// PostGraphile 5 with its Amber preset over the `pgl` views (views.sql) of the benchmark database.
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

export default {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["pgl"], poolConfig: { max: 10 } })],
  grafserv: { port: Number(process.env.PORT ?? 5678), host: "127.0.0.1", graphiql: false },
  grafast: { explain: false },
};
