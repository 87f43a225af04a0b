/**
 * How long a shared cache in front of the apps may keep each public query's answer, in seconds.
 * The API marks answers with it (`@agora/api/edge-cache`, where the policy is explained) and the
 * gateway's generator (infra/local's HAProxy config) sends exactly these procedures through the
 * cache. Pure: the browser bundle reads it too.
 */
export const EDGE_CACHE_SECONDS: Readonly<Record<string, number>> = {
  "catalog.home": 10,
  "catalog.overview": 10,
  "catalog.category": 5,
  "catalog.product": 2,
  "search.query": 5,
  "search.suggest": 30,
  "reviews.list": 10,
  "recommendations.alsoBought": 60,
};
