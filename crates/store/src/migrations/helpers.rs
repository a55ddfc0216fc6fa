//! Small builders shared by the migrations. Migrations themselves never
//! change once released; these helpers only shorten them.

use sea_orm_migration::{prelude::*, schema::*};

pub fn ts(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone(name)
}

pub fn ts_null(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone_null(name)
}

pub fn fk(table: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, col).to(to, "id").on_delete(ForeignKeyAction::Cascade).to_owned()
}

pub fn index(table: &'static str, name: &'static str, cols: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}
