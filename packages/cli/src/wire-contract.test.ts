// The SDK declares the HTTP API's JSON by hand (it ships to browsers and imports no workspace package); the
// server answers with core's types. This file holds the two together: `npm run build` fails where they part.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as Core from '@gu/core';
import { EVENT_TYPES, PLACEMENTS } from '@gu/core';
import type * as Sdk from '@gu/sdk';
import type { ErrorBody, experimentView } from '@gu/server';
import { EVENT_TYPES as SDK_EVENT_TYPES, PLACEMENTS as SDK_PLACEMENTS } from '@gu/sdk';

/** What JSON makes of a type: nothing is readonly. */
type Json<T> = T extends object ? { -readonly [K in keyof T]: Json<T[K]> } : T;
/** true when what the server sends (A) and what the SDK declares (B) are each assignable to the other. */
type Same<A, B> = [Json<A>] extends [B] ? ([B] extends [Json<A>] ? true : false) : false;
/** true when what the server sends (A) is what the SDK declares (B), or narrower. */
type Fits<A, B> = [Json<A>] extends [B] ? true : false;
/** Compiles only when T is true. */
const holds = <T extends true>(): T | undefined => undefined;

holds<Same<Core.Placement, Sdk.Placement>>();
holds<Same<Core.EventType, Sdk.EventType>>();
holds<Same<Core.RecipeName, Sdk.RecipeName>>();
holds<Same<Core.EventContext, Sdk.EventContext>>();
holds<Same<Core.FieldError, Sdk.FieldError>>();
holds<Same<Core.IngestResult, Sdk.IngestResult>>();
holds<Same<Core.Reason, Sdk.Reason>>();
holds<Same<Core.RecommendedItem, Sdk.ScoredItem>>();
holds<Same<Core.Recommendations, Sdk.Recommendations>>();
holds<Same<Core.AttributeValue, Sdk.AttributeValue>>();
holds<Same<Core.Item, Sdk.Item>>();
holds<Same<Core.CategoryNode, Sdk.CategoryNode>>();
holds<Same<Core.KpiSeriesPoint, Sdk.KpiSeriesPoint>>();
holds<Same<Core.KpiReport, Sdk.KpiReport>>();
holds<Same<Core.ModelVersion, Sdk.ModelVersion>>();
holds<Same<Core.DataQuality, Sdk.DataQuality>>();
holds<Same<Core.TrainingReport, Sdk.TrainingReport>>();
holds<Same<Core.FilterRule, Sdk.FilterRule>>();
holds<Same<Core.FilterDefinition, Sdk.FilterDefinition>>();
holds<Same<Core.VariantRecipe, Sdk.VariantRecipe>>();
holds<Same<Core.VariantResult, Sdk.VariantResult>>();
holds<Same<ReturnType<typeof experimentView>, Sdk.Experiment>>();
// Error codes are a union on the server, any string to the SDK (a newer server may add some).
holds<Fits<ErrorBody, Sdk.ApiErrorBody>>();

test("the SDK's lists of placements and event types are the server's", () => {
  assert.deepEqual([...SDK_PLACEMENTS], [...PLACEMENTS]);
  assert.deepEqual([...SDK_EVENT_TYPES], [...EVENT_TYPES]);
});
