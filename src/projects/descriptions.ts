/**
 * The ESGF projects piddiplatsch knows, as data (`docs/projects.md`).
 * Adding a project is one more entry here and its `[plugins.NAME]` defaults in
 * `config/default.toml`; the one generic mapper of `src/mapping/` serves all.
 *
 * @module
 */

/** What piddiplatsch needs to know about one project. */
export interface ProjectDescription {
  /** Plugin name, lower-case (`[plugins.NAME]`, `--project NAME`). */
  readonly name: string;
  /** Project id as events write it (`collection_id`, `item.collection`). */
  readonly projectId: string;
  /** Item properties that may hold the dataset PID, canonical first. */
  readonly datasetPidFields: readonly string[];
  /** Asset fields that may hold the file PID, canonical first. */
  readonly filePidFields: readonly string[];
  /** Legacy unprefixed dataset PID fields, read after the canonical ones. */
  readonly legacyDatasetPidFields: readonly string[];
  /** Legacy unprefixed file PID fields, read after the canonical ones. */
  readonly legacyFilePidFields: readonly string[];
  /** The prefix production handles of this project live under. */
  readonly productionPrefix: string;
  /** The fixed leading segments of every dataset id (e.g. `MIP-DRS7.CMIP7`). */
  readonly datasetIdHead: string;
  /** The facets of a dataset id after its head and before its version. */
  readonly datasetIdFacets: readonly string[];
}

const CMIP6_FACETS = [
  "activity",
  "institution",
  "source",
  "experiment",
  "member",
  "table",
  "variable",
  "grid",
] as const;

/** The known projects, by plugin name. */
export const PROJECTS: Readonly<Record<string, ProjectDescription>> = {
  cmip6: {
    name: "cmip6",
    projectId: "CMIP6",
    datasetPidFields: ["cmip6:pid"],
    filePidFields: ["cmip6:tracking_id"],
    legacyDatasetPidFields: ["pid"],
    legacyFilePidFields: ["tracking_id"],
    productionPrefix: "21.14100",
    datasetIdHead: "CMIP6",
    datasetIdFacets: CMIP6_FACETS,
  },
  cmip6plus: {
    name: "cmip6plus",
    projectId: "CMIP6Plus",
    datasetPidFields: ["cmip6plus:pid"],
    filePidFields: ["cmip6plus:tracking_id"],
    legacyDatasetPidFields: [],
    legacyFilePidFields: [],
    productionPrefix: "21.14100",
    datasetIdHead: "CMIP6Plus",
    datasetIdFacets: CMIP6_FACETS,
  },
  cmip7: {
    name: "cmip7",
    projectId: "CMIP7",
    datasetPidFields: ["cmip7:pid"],
    filePidFields: ["cmip7:tracking_id"],
    legacyDatasetPidFields: [],
    legacyFilePidFields: [],
    productionPrefix: "21.14107",
    datasetIdHead: "MIP-DRS7.CMIP7",
    datasetIdFacets: [
      "activity",
      "institution",
      "source",
      "experiment",
      "variant",
      "region",
      "frequency",
      "variable",
      "branding",
      "grid",
    ],
  },
  "cordex-cmip6": {
    name: "cordex-cmip6",
    projectId: "CORDEX-CMIP6",
    datasetPidFields: ["cordex-cmip6:pid"],
    filePidFields: ["cordex-cmip6:tracking_id"],
    legacyDatasetPidFields: [],
    legacyFilePidFields: [],
    productionPrefix: "21.14103",
    datasetIdHead: "CORDEX-CMIP6",
    datasetIdFacets: [
      "activity",
      "domain",
      "institution",
      "driving_source",
      "driving_experiment",
      "driving_member",
      "source",
      "version_realization",
      "frequency",
      "variable",
    ],
  },
};

/** The plugin names of the known projects, in table order. */
export const PROJECT_NAMES: readonly string[] = Object.keys(PROJECTS);

/** The project whose plugin name or project id is `name` (any case), if known. */
export function findProject(name: string): ProjectDescription | undefined {
  const key = name.trim().toLowerCase();
  return PROJECTS[key] ??
    Object.values(PROJECTS).find((p) => p.projectId.toLowerCase() === key);
}

/**
 * The facets of a dataset id of `project` by name, or `undefined` if the id does not
 * have the project's head and facet count (the version segment is not included).
 */
export function datasetIdFacets(
  project: ProjectDescription,
  datasetId: string,
): Record<string, string> | undefined {
  const head = `${project.datasetIdHead}.`;
  if (!datasetId.toLowerCase().startsWith(head.toLowerCase())) return undefined;
  const values = datasetId.slice(head.length).split(".");
  if (values.length !== project.datasetIdFacets.length) return undefined;
  return Object.fromEntries(project.datasetIdFacets.map((facet, i) => [facet, values[i]]));
}

/**
 * The field names read for a PID: each canonical field, its variant with the project id's
 * case (`CMIP6:pid` besides `cmip6:pid`), then the legacy fields.
 */
export function pidFields(
  project: ProjectDescription,
  kind: "dataset" | "file",
): string[] {
  const canonical = kind === "dataset" ? project.datasetPidFields : project.filePidFields;
  const legacy = kind === "dataset" ? project.legacyDatasetPidFields : project.legacyFilePidFields;
  const names: string[] = [];
  for (const field of canonical) {
    const colon = field.indexOf(":");
    const variant = colon < 0 ? field : `${project.projectId}${field.slice(colon)}`;
    for (const name of [variant, field]) if (!names.includes(name)) names.push(name);
  }
  for (const field of legacy) if (!names.includes(field)) names.push(field);
  return names;
}
