"""One declaration per input table.

These declarations are the single source of truth for the dataset format: the loader reads
with them, the validator checks against them, ``docs/schema.md`` is generated from them and
the Excel input template is written from them.

A dataset is a folder of CSV files (``<table>.csv``) or one ``.xlsx`` workbook with one sheet
per table (sheet name = table name). Column names are the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(str, Enum):
    """Cell types a column may hold."""

    ID = "id"  # an identifier: letters, digits, '_', '-', '.'; no spaces
    TEXT = "text"  # free text
    NUMBER = "number"  # a finite real number
    INTEGER = "integer"  # a whole number (years, lead times)
    BOOL = "bool"  # true/false, yes/no, 1/0


@dataclass(frozen=True)
class Column:
    """One column of an input table."""

    name: str
    kind: Kind
    description: str
    unit: str = ""
    required: bool = True
    default: object = None
    min_value: float | None = None
    max_value: float | None = None
    choices: tuple[str, ...] = ()
    references: str | None = None  # "table.column" this id must exist in


@dataclass(frozen=True)
class Table:
    """One input table: its name (CSV file stem / sheet name), columns and primary key."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool = True
    example: tuple[dict[str, object], ...] = field(default=())

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


SOURCE = Column(
    "source",
    Kind.TEXT,
    "Citation for every number in the row, or 'assumption: <why>' where a figure is assumed.",
)

TRUST_TAGS = ("P", "S", "D", "U")
"""Trust tags of the data brief: P primary source read directly, S secondary (news or analysis
quoting a primary source), D derived by arithmetic on sourced figures, U unverified (an
assumption)."""

TRUST = Column(
    "trust",
    Kind.ID,
    "How far the row's figures can be trusted: P primary source read directly, S secondary "
    "(news or analysis quoting a primary source), D derived by arithmetic on sourced figures, U "
    "unverified (an assumption). A row is tagged by its least sure figure (in capacity: by "
    "'existing'; the build parameters carry 'build_trust'); a row tagged P or S does not say "
    "'assumption' in its source.",
    choices=TRUST_TAGS,
)

CHAINS = ("rare_earth", "magnet", "minor_metal", "semiconductor")
BLOC_NEUTRAL = "neutral"
PROJECT_STATUS = ("committed", "announced")
YEAR_MIN, YEAR_MAX = 1990, 2100

REGIONS = Table(
    "regions",
    "Regions and the bloc each belongs to. Blocs are free ids (e.g. US, CN); 'neutral' marks "
    "regions on neither side, whose capacity counts at the scenario's neutral share when the "
    "rival cuts supply.",
    (
        Column("region", Kind.ID, "Region id, e.g. USA."),
        Column("name", Kind.TEXT, "Display name."),
        Column("bloc", Kind.ID, "Side the region belongs to (e.g. US, CN) or 'neutral'."),
        SOURCE,
        TRUST,
    ),
    key=("region",),
    example=(
        {"region": "USA", "name": "United States", "bloc": "US", "source": "-", "trust": "U"},
    ),
)

COMMODITIES = Table(
    "commodities",
    "Commodities along each chain. 'critical' marks end uses whose supply defines "
    "self-sufficiency.",
    (
        Column("commodity", Kind.ID, "Commodity id, e.g. ndfeb_magnet."),
        Column("name", Kind.TEXT, "Display name."),
        Column("unit", Kind.TEXT, "Physical unit of quantities of this commodity, e.g. t."),
        Column("chain", Kind.ID, "Supply chain it belongs to.", choices=CHAINS),
        Column("critical", Kind.BOOL, "True for end uses that define self-sufficiency."),
        Column(
            "value_unserved",
            Kind.NUMBER,
            "Penalty for each unit of demand left unserved (value of lost supply).",
            unit="USD/unit",
            min_value=0.0,
        ),
        *(
            Column(
                name,
                Kind.NUMBER,
                f"{what} downstream damage for each unit of the bloc's demand that cannot be "
                "served in a cutoff (the value of the output lost, not the price of the "
                "commodity); empty: value_unserved is used.",
                unit="USD/unit",
                required=False,
                default=None,
                min_value=0.0,
            )
            for name, what in (
                ("cutoff_damage", "Central estimate of the"),
                ("cutoff_damage_low", "Low end of the range of the"),
                ("cutoff_damage_high", "High end of the range of the"),
            )
        ),
        Column(
            "disposal_cost",
            Kind.NUMBER,
            "Cost of disposing of each unit made but not used (e.g. a surplus co-product); "
            "0: surplus is dropped at no cost.",
            unit="USD/unit",
            required=False,
            default=0.0,
            min_value=0.0,
        ),
        Column("description", Kind.TEXT, "What it is.", required=False, default=""),
        SOURCE,
        TRUST,
    ),
    key=("commodity",),
)

PROCESSES = Table(
    "processes",
    "Processes turn the inputs of their recipe into one output commodity. Capacity, builds "
    "and variable cost are in units of activity; each unit of activity makes "
    "output_per_activity units of output (1: capacity stated in output units).",
    (
        Column("process", Kind.ID, "Process id, e.g. ndfeb_sintering."),
        Column("output", Kind.ID, "Commodity produced.", references="commodities.commodity"),
        Column(
            "output_per_activity",
            Kind.NUMBER,
            "Units of output per unit of activity: output = activity * output_per_activity, "
            "capacity bounds activity (1 when capacity is stated in output units).",
            unit="unit/unit",
            required=False,
            default=1.0,
            min_value=1e-9,
        ),
        Column("description", Kind.TEXT, "What it is.", required=False, default=""),
        SOURCE,
        TRUST,
    ),
    key=("process",),
)

PROCESS_INPUTS = Table(
    "process_inputs",
    "Recipes: how much of each input commodity one unit of a process's output consumes.",
    (
        Column("process", Kind.ID, "Process id.", references="processes.process"),
        Column("commodity", Kind.ID, "Input commodity.", references="commodities.commodity"),
        Column(
            "amount",
            Kind.NUMBER,
            "Input per unit of output.",
            unit="input unit per output unit",
            min_value=0.0,
        ),
        SOURCE,
        TRUST,
    ),
    key=("process", "commodity"),
    required=False,
)

PROCESS_OUTPUTS = Table(
    "process_outputs",
    "Co-products: further outputs of a process in fixed ratios to its activity (e.g. the "
    "elements of one rare-earth feed), besides its main output (processes.output).",
    (
        Column("process", Kind.ID, "Process id.", references="processes.process"),
        Column("commodity", Kind.ID, "Co-product.", references="commodities.commodity"),
        Column(
            "amount",
            Kind.NUMBER,
            "Co-product per unit of activity.",
            unit="co-product unit per activity unit",
            min_value=0.0,
        ),
        SOURCE,
        TRUST,
    ),
    key=("process", "commodity"),
    required=False,
    example=(
        {
            "process": "ndpr_separation",
            "commodity": "sm_oxide",
            "amount": 0.09,
            "source": "assumption: Sm ~2% of TREO in the feed",
            "trust": "U",
        },
    ),
)

BY_PRODUCTS = Table(
    "by_products",
    "By-product limits: a process that recovers its output from another industry's stream "
    "(gallium from alumina refining, germanium from zinc smelting) makes at most 'ratio' units "
    "of output per unit of that host's output in the same region and year (host_output). A "
    "region with no host_output rows for the host cannot run the process.",
    (
        Column("process", Kind.ID, "Process id.", references="processes.process"),
        Column("host", Kind.ID, "Host output id, e.g. alumina (named in host_output)."),
        Column(
            "ratio",
            Kind.NUMBER,
            "Most output per unit of host output.",
            unit="output unit per host unit",
            min_value=0.0,
        ),
        SOURCE,
        TRUST,
    ),
    key=("process",),
    required=False,
    example=(
        {
            "process": "gallium_recovery",
            "host": "alumina",
            "ratio": 0.05,
            "source": "assumption: ~50 g Ga recoverable per t alumina",
            "trust": "U",
        },
    ),
)

HOST_OUTPUT = Table(
    "host_output",
    "Output of the host industries named in by_products, per region and year. Years between "
    "listed years are interpolated linearly; outside them the nearest value holds.",
    (
        Column("region", Kind.ID, "Region id.", references="regions.region"),
        Column("host", Kind.ID, "Host output id (as in by_products)."),
        Column(
            "year",
            Kind.INTEGER,
            "Year.",
            unit="year",
            min_value=YEAR_MIN,
            max_value=YEAR_MAX,
        ),
        Column("quantity", Kind.NUMBER, "Host output.", unit="host unit/yr", min_value=0.0),
        SOURCE,
        TRUST,
    ),
    key=("region", "host", "year"),
    required=False,
    example=(
        {
            "region": "CHN",
            "host": "alumina",
            "year": 2024,
            "quantity": 84000,
            "source": "assumption: kt alumina",
            "trust": "U",
        },
    ),
)

STOCKPILES = Table(
    "stockpiles",
    "Storable commodities of the planner's regions: the stock held at the start of the horizon "
    "and what holding, filling and releasing cost or allow. In a cutoff year the stock held at "
    "the start of that year can be drawn (up to max_release).",
    (
        Column("region", Kind.ID, "Region id.", references="regions.region"),
        Column("commodity", Kind.ID, "Commodity id.", references="commodities.commodity"),
        Column(
            "opening", Kind.NUMBER, "Stock at the start of the horizon.", unit="unit", min_value=0.0
        ),
        Column(
            "holding_cost",
            Kind.NUMBER,
            "Cost of holding one unit for a year (storage, capital tied up).",
            unit="USD/unit/yr",
            min_value=0.0,
        ),
        Column(
            "max_stock",
            Kind.NUMBER,
            "Most that may be held (empty: no limit).",
            unit="unit",
            required=False,
            default=None,
            min_value=0.0,
        ),
        Column(
            "max_fill",
            Kind.NUMBER,
            "Most that may be added in a year (empty: no limit).",
            unit="unit/yr",
            required=False,
            default=None,
            min_value=0.0,
        ),
        Column(
            "max_release",
            Kind.NUMBER,
            "Most that may be drawn in a year, in normal times or a cutoff (empty: no limit).",
            unit="unit/yr",
            required=False,
            default=None,
            min_value=0.0,
        ),
        SOURCE,
        TRUST,
    ),
    key=("region", "commodity"),
    required=False,
    example=(
        {
            "region": "USA",
            "commodity": "dytb_oxide",
            "opening": 0,
            "holding_cost": 12000,
            "max_stock": "",
            "max_fill": 200,
            "max_release": "",
            "source": "assumption: 3% a year of the value",
            "trust": "U",
        },
    ),
)

END_OF_LIFE = Table(
    "end_of_life",
    "Secondary supply: a share of each region's past final demand for a product comes back, "
    "after the product's life, as scrap (a commodity that recycling processes use as input). "
    "Scrap is used where it arises.",
    (
        Column("product", Kind.ID, "Product commodity.", references="commodities.commodity"),
        Column("scrap", Kind.ID, "Scrap commodity it becomes.", references="commodities.commodity"),
        Column("life", Kind.INTEGER, "Years in use.", unit="yr", min_value=0, max_value=100),
        Column(
            "share",
            Kind.NUMBER,
            "Scrap available per unit of the product's final demand 'life' years earlier "
            "(collection and pre-processing yield).",
            unit="scrap unit per product unit",
            min_value=0.0,
        ),
        SOURCE,
        TRUST,
    ),
    key=("product", "scrap"),
    required=False,
    example=(
        {
            "product": "ndfeb_magnet",
            "scrap": "magnet_scrap",
            "life": 15,
            "share": 0.05,
            "source": "assumption: 5% collected",
            "trust": "U",
        },
    ),
)

CAPITAL_INPUTS = Table(
    "capital_inputs",
    "Inputs a process needs per unit of NEW capacity (e.g. chip tools for a fab), paid in the "
    "build's spend years alongside its capex (evenly over the lead time); existing capacity "
    "needs none. Running inputs per unit of output stay in process_inputs.",
    (
        Column("process", Kind.ID, "Process id.", references="processes.process"),
        Column("commodity", Kind.ID, "Input commodity.", references="commodities.commodity"),
        Column(
            "amount",
            Kind.NUMBER,
            "Input per unit of new annual capacity.",
            unit="input unit per (activity unit/yr)",
            min_value=0.0,
        ),
        SOURCE,
        TRUST,
    ),
    key=("process", "commodity"),
    required=False,
    example=(
        {
            "process": "mature_fab",
            "commodity": "fab_tools",
            "amount": 2.67,
            "source": "assumption: tools = 75% of fab cost",
            "trust": "U",
        },
    ),
)

CAPACITY = Table(
    "capacity",
    "Existing capacity and the cost and speed of building more, per region and process. A "
    "(region, process) pair absent from this table can neither produce nor be built.",
    (
        Column("region", Kind.ID, "Region id.", references="regions.region"),
        Column("process", Kind.ID, "Process id.", references="processes.process"),
        Column(
            "existing",
            Kind.NUMBER,
            "Capacity operating at the start of the horizon.",
            unit="activity unit/yr",
            min_value=0.0,
        ),
        Column(
            "capex",
            Kind.NUMBER,
            "Investment per unit of new annual capacity.",
            unit="USD per (activity unit/yr)",
            min_value=0.0,
        ),
        Column(
            "fixed_om",
            Kind.NUMBER,
            "Fixed operation and maintenance per unit of new capacity per year.",
            unit="USD per (unit/yr) per yr",
            required=False,
            default=0.0,
            min_value=0.0,
        ),
        Column(
            "variable_cost",
            Kind.NUMBER,
            "Cost per unit of activity, excluding recipe inputs.",
            unit="USD per activity unit",
            required=False,
            default=0.0,
            min_value=0.0,
        ),
        Column(
            "lead_time",
            Kind.INTEGER,
            "Whole years from the decision to build until first output.",
            unit="yr",
            min_value=0,
            max_value=40,
        ),
        *(
            Column(
                name,
                Kind.NUMBER,
                f"{what} end of the range of lead_time the Monte Carlo and the tornado draw "
                "from (empty: lead_time); a drawn lead time is rounded to whole years.",
                unit="yr",
                required=False,
                default=None,
                min_value=0,
                max_value=40,
            )
            for name, what in (("lead_time_low", "Fast"), ("lead_time_high", "Slow"))
        ),
        Column(
            "max_build",
            Kind.NUMBER,
            "Most new capacity that may be started in one year (0: cannot be built here).",
            unit="activity unit/yr, per yr",
            min_value=0.0,
        ),
        Column(
            "ramp_years",
            Kind.INTEGER,
            "Years after first output until full capacity (0: full at once).",
            unit="yr",
            required=False,
            default=0,
            min_value=0,
            max_value=20,
        ),
        Column(
            "lifetime",
            Kind.INTEGER,
            "Years new capacity operates after first output.",
            unit="yr",
            required=False,
            default=30,
            min_value=1,
            max_value=100,
        ),
        SOURCE,
        TRUST,
        Column(
            "build_trust",
            Kind.ID,
            "Trust tag (P, S, D, U) of the build parameters: capex, fixed_om, variable_cost, "
            "lead_time, max_build, ramp_years, lifetime ('trust' tags 'existing').",
            required=False,
            default="U",
            choices=TRUST_TAGS,
        ),
    ),
    key=("region", "process"),
)

PROJECTS = Table(
    "projects",
    "Committed or announced builds, added to capacity from their first year online.",
    (
        Column("project", Kind.ID, "Project id."),
        Column("region", Kind.ID, "Region id.", references="regions.region"),
        Column("process", Kind.ID, "Process id.", references="processes.process"),
        Column("capacity", Kind.NUMBER, "Capacity added.", unit="activity unit/yr", min_value=0.0),
        Column(
            "first_year",
            Kind.INTEGER,
            "First year of output.",
            unit="year",
            min_value=YEAR_MIN,
            max_value=YEAR_MAX,
        ),
        Column("status", Kind.ID, "committed or announced.", choices=PROJECT_STATUS),
        SOURCE,
        TRUST,
    ),
    key=("project",),
    required=False,
)

DEMAND = Table(
    "demand",
    "Final demand per region, commodity and year. Years between listed years are "
    "interpolated linearly; before the first and after the last listed year the nearest value "
    "holds.",
    (
        Column("region", Kind.ID, "Region id.", references="regions.region"),
        Column("commodity", Kind.ID, "Commodity id.", references="commodities.commodity"),
        Column(
            "year",
            Kind.INTEGER,
            "Year.",
            unit="year",
            min_value=YEAR_MIN,
            max_value=YEAR_MAX,
        ),
        Column("quantity", Kind.NUMBER, "Demand.", unit="unit/yr", min_value=0.0),
        SOURCE,
        TRUST,
    ),
    key=("region", "commodity", "year"),
)

ROUTES = Table(
    "routes",
    "Trade routes. 'exporter' or 'importer' may be '*' (every region) and 'commodity' may be "
    "'*' (every commodity); a specific row overrides a wildcard row for the same arc. No "
    "region trades with itself through a route.",
    (
        Column("exporter", Kind.ID, "Exporting region id or '*'.", references="regions.region"),
        Column("importer", Kind.ID, "Importing region id or '*'.", references="regions.region"),
        Column("commodity", Kind.ID, "Commodity id or '*'.", references="commodities.commodity"),
        Column(
            "cost",
            Kind.NUMBER,
            "Transport plus tariff per unit shipped.",
            unit="USD/unit",
            min_value=0.0,
        ),
        Column(
            "max_flow",
            Kind.NUMBER,
            "Most that may flow per year (empty: no limit).",
            unit="unit/yr",
            required=False,
            default=None,
            min_value=0.0,
        ),
        SOURCE,
        TRUST,
    ),
    key=("exporter", "importer", "commodity"),
)

TABLES: tuple[Table, ...] = (
    REGIONS,
    COMMODITIES,
    PROCESSES,
    PROCESS_INPUTS,
    PROCESS_OUTPUTS,
    CAPITAL_INPUTS,
    BY_PRODUCTS,
    HOST_OUTPUT,
    STOCKPILES,
    END_OF_LIFE,
    CAPACITY,
    PROJECTS,
    DEMAND,
    ROUTES,
)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
WILDCARD = "*"
