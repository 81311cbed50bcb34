#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Regenerate units_zh_gbk.csv, the GBK twin of units_zh.csv (what older
# Chinese Excel saves), used by tests/unit/registry/test_bulk.c.
set -eu
cd "$(dirname "$0")"
iconv -f UTF-8 -t GBK units_zh.csv > units_zh_gbk.csv
