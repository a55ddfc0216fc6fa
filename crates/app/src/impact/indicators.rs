//! The registry of indicators: each defined once. Its name and definition
//! are the UI strings `indicator-<id>` and `indicator-<id>-def` (fi/en);
//! what it counts is its source in [`super::sources`].

/// How a figure reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    Euros,
    Tonnes,
    /// Tonnes of CO2 equivalent.
    Co2e,
    Percent,
    /// Net promoter score, −100 … 100.
    Nps,
    /// An average per something (participants per event).
    Average,
}

impl Unit {
    pub fn key(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Euros => "euros",
            Unit::Tonnes => "tonnes",
            Unit::Co2e => "co2e",
            Unit::Percent => "percent",
            Unit::Nps => "nps",
            Unit::Average => "average",
        }
    }
}

/// How months add up to a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Happenings: a period's figure is the sum of its months.
    Flow,
    /// A state: a period's figure is its value at the period's end.
    Stock,
    /// Numerator over denominator summed over the period's months
    /// (× 100 for [`Unit::Percent`] and [`Unit::Nps`]).
    Ratio,
}

/// The five dimensions of the EU's revised circular economy monitoring
/// framework (2023), and the cluster's own activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dimension {
    ProductionConsumption,
    WasteManagement,
    SecondaryMaterials,
    CompetitivenessInnovation,
    GlobalSustainability,
    Cluster,
}

impl Dimension {
    pub const ALL: [Dimension; 6] = [
        Dimension::ProductionConsumption,
        Dimension::WasteManagement,
        Dimension::SecondaryMaterials,
        Dimension::CompetitivenessInnovation,
        Dimension::GlobalSustainability,
        Dimension::Cluster,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Dimension::ProductionConsumption => "production-consumption",
            Dimension::WasteManagement => "waste-management",
            Dimension::SecondaryMaterials => "secondary-materials",
            Dimension::CompetitivenessInnovation => "competitiveness-innovation",
            Dimension::GlobalSustainability => "global-sustainability",
            Dimension::Cluster => "cluster",
        }
    }

    pub fn parse(key: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.key() == key)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Indicator {
    pub id: &'static str,
    pub unit: Unit,
    pub kind: Kind,
    pub dimension: Dimension,
    /// On the public situational picture and in the API (its public
    /// figure counts only the records anyone may see).
    pub public: bool,
    /// Counted from records. `false`: the platform does not record it yet,
    /// and pages say so rather than showing a zero.
    pub recorded: bool,
    /// A ratio's figure, or a sum of what organisations report, is shown
    /// only over at least this many (privacy).
    pub floor: u32,
    /// A state the records keep no history of: each rollup records the
    /// current month only, and earlier months stay as they were recorded.
    pub current_only: bool,
}

const fn ind(id: &'static str, unit: Unit, kind: Kind, dimension: Dimension) -> Indicator {
    Indicator { id, unit, kind, dimension, public: true, recorded: true, floor: 0, current_only: false }
}

const fn staff(i: Indicator) -> Indicator {
    Indicator { public: false, ..i }
}

const fn not_recorded(i: Indicator) -> Indicator {
    Indicator { recorded: false, ..i }
}

use Dimension::*;
use Kind::*;
use Unit::*;

/// Every indicator, in the order pages show them.
pub const INDICATORS: &[Indicator] = &[
    Indicator { floor: 1, ..ind("circular-procurements", Percent, Ratio, ProductionConsumption) },
    ind("procurements", Count, Flow, ProductionConsumption),
    ind("symbiosis-tonnes", Tonnes, Flow, WasteManagement),
    ind("symbioses", Count, Flow, SecondaryMaterials),
    ind("listings", Count, Flow, SecondaryMaterials),
    ind("challenges", Count, Flow, CompetitivenessInnovation),
    ind("kimppas", Count, Flow, CompetitivenessInnovation),
    ind("projects", Count, Flow, CompetitivenessInnovation),
    staff(ind("funding-applied", Euros, Flow, CompetitivenessInnovation)),
    staff(ind("funding-granted", Euros, Flow, CompetitivenessInnovation)),
    ind("brokered-contacts", Count, Flow, CompetitivenessInnovation),
    ind("brokered-experts", Count, Flow, CompetitivenessInnovation),
    Indicator { floor: 5, ..ind("member-turnover", Euros, Flow, CompetitivenessInnovation) },
    Indicator { floor: 5, ..ind("member-headcount", Count, Flow, CompetitivenessInnovation) },
    Indicator { floor: 5, ..ind("member-export", Euros, Flow, CompetitivenessInnovation) },
    ind("symbiosis-co2e", Co2e, Flow, GlobalSustainability),
    Indicator { current_only: true, ..ind("carbon-footprints", Count, Stock, GlobalSustainability) },
    ind("members", Count, Stock, Cluster),
    ind("partners", Count, Stock, Cluster),
    ind("organisations", Count, Stock, Cluster),
    ind("users", Count, Stock, Cluster),
    ind("visitors", Count, Flow, Cluster),
    ind("page-views", Count, Flow, Cluster),
    ind("searches", Count, Flow, Cluster),
    ind("events", Count, Flow, Cluster),
    ind("event-participants", Count, Flow, Cluster),
    Indicator { floor: 1, ..ind("participants-per-event", Average, Ratio, Cluster) },
    ind("working-groups", Count, Stock, Cluster),
    ind("news", Count, Flow, Cluster),
    ind("forum-threads", Count, Flow, Cluster),
    Indicator { floor: 5, ..ind("nps", Nps, Ratio, Cluster) },
    not_recorded(ind("newsletter-subscribers", Count, Stock, Cluster)),
];

pub fn get(id: &str) -> Option<&'static Indicator> {
    INDICATORS.iter().find(|i| i.id == id)
}
