import ETLFramework
import Hummingbird

/// The OpenAPI 3 description of the REST API, served at `/openapi.json`. A test checks real answers
/// of every endpoint against these schemas, so the document cannot drift from what is served.
enum OpenAPIDocument {
    static func response() -> Response {
        JSON.response(bytes: Array(text.utf8))
    }

    static let text = #"""
{
 "openapi": "3.0.3",
 "info": {
  "title": "Kasparro ETL",
  "version": "1.0.0",
  "description": "Unified crypto market data: one record per ticker, price history, run history and run control."
 },
 "paths": {
  "/": {
   "get": {
    "summary": "Index of endpoints (JSON), or the dashboard for clients that accept text/html",
    "responses": {
     "200": {
      "description": "Endpoints",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Index"
        }
       },
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "503": {
      "$ref": "#/components/responses/Error"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     }
    },
    "parameters": [
     {
      "name": "page",
      "in": "query",
      "description": "Dashboard page (text/html only)",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000000,
       "default": 1
      }
     }
    ]
   }
  },
  "/dashboard/{ticker}": {
   "get": {
    "summary": "HTML page of one ticker with its price history chart",
    "parameters": [
     {
      "name": "ticker",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     }
    ],
    "responses": {
     "200": {
      "description": "HTML page",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/data": {
   "get": {
    "summary": "Unified records, ordered by ticker",
    "parameters": [
     {
      "name": "source",
      "in": "query",
      "schema": {
       "type": "string",
       "pattern": "\\S",
       "maxLength": 200
      },
      "description": "Pipeline that delivered the record"
     },
     {
      "name": "ticker",
      "in": "query",
      "schema": {
       "type": "string",
       "pattern": "\\S",
       "maxLength": 200
      },
      "description": "Ticker, case-insensitive"
     },
     {
      "name": "start_date",
      "in": "query",
      "schema": {
       "anyOf": [
        {
         "type": "string",
         "format": "date"
        },
        {
         "type": "string",
         "format": "date-time"
        }
       ]
      },
      "description": "ISO 8601; records observed at or after"
     },
     {
      "name": "end_date",
      "in": "query",
      "schema": {
       "anyOf": [
        {
         "type": "string",
         "format": "date"
        },
        {
         "type": "string",
         "format": "date-time"
        }
       ]
      },
      "description": "ISO 8601; records observed at or before"
     },
     {
      "$ref": "#/components/parameters/limit"
     },
     {
      "$ref": "#/components/parameters/offset"
     }
    ],
    "responses": {
     "200": {
      "description": "A page",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RecordPage"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/data/{ticker}": {
   "get": {
    "summary": "The unified record of one ticker",
    "parameters": [
     {
      "name": "ticker",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The record",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RecordAnswer"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/data/{ticker}/history": {
   "get": {
    "summary": "Observations of one ticker per source, newest first",
    "parameters": [
     {
      "name": "ticker",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      }
     },
     {
      "name": "source",
      "in": "query",
      "schema": {
       "type": "string",
       "pattern": "\\S",
       "maxLength": 200
      }
     },
     {
      "name": "start_date",
      "in": "query",
      "schema": {
       "anyOf": [
        {
         "type": "string",
         "format": "date"
        },
        {
         "type": "string",
         "format": "date-time"
        }
       ]
      }
     },
     {
      "name": "end_date",
      "in": "query",
      "schema": {
       "anyOf": [
        {
         "type": "string",
         "format": "date"
        },
        {
         "type": "string",
         "format": "date-time"
        }
       ]
      }
     },
     {
      "$ref": "#/components/parameters/limit"
     },
     {
      "$ref": "#/components/parameters/offset"
     }
    ],
    "responses": {
     "200": {
      "description": "A page",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/HistoryPage"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/health": {
   "get": {
    "summary": "Database and last-run status",
    "responses": {
     "200": {
      "description": "ok or degraded",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        }
       }
      }
     },
     "503": {
      "description": "database unreachable",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/stats": {
   "get": {
    "summary": "Run statistics per pipeline (one member per pipeline name) and overall",
    "responses": {
     "200": {
      "description": "Statistics",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Stats"
        }
       }
      }
     },
     "503": {
      "$ref": "#/components/responses/Error"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/trigger-etl": {
   "post": {
    "summary": "Start runs now",
    "parameters": [
     {
      "name": "X-Scheduler-Token",
      "in": "header",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "pipeline",
      "in": "query",
      "schema": {
       "type": "string",
       "pattern": "\\S",
       "maxLength": 200
      }
     }
    ],
    "responses": {
     "202": {
      "description": "Started",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Triggered"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/runs": {
   "get": {
    "summary": "Run history, newest first",
    "parameters": [
     {
      "name": "pipeline",
      "in": "query",
      "schema": {
       "type": "string",
       "pattern": "\\S",
       "maxLength": 200
      }
     },
     {
      "name": "status",
      "in": "query",
      "schema": {
       "type": "string",
       "enum": [
        "running",
        "success",
        "failed",
        "interrupted"
       ]
      }
     },
     {
      "$ref": "#/components/parameters/limit"
     },
     {
      "$ref": "#/components/parameters/offset"
     }
    ],
    "responses": {
     "200": {
      "description": "A page",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunPage"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/runs/{id}": {
   "get": {
    "summary": "One run with its quarantined records (up to 100)",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "integer",
       "format": "int64",
       "minimum": 1,
       "maximum": 9223372036854775807
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The run",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunAnswer"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/openapi.json": {
   "get": {
    "summary": "This document",
    "responses": {
     "200": {
      "description": "OpenAPI 3 document"
     }
    }
   }
  },
  "/metrics": {
   "get": {
    "summary": "Prometheus metrics (text exposition format)",
    "responses": {
     "200": {
      "description": "Metrics",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     }
    }
   }
  }
 },
 "components": {
  "parameters": {
   "limit": {
    "name": "limit",
    "in": "query",
    "schema": {
     "type": "integer",
     "minimum": 1,
     "maximum": 200,
     "default": 50
    }
   },
   "offset": {
    "name": "offset",
    "in": "query",
    "schema": {
     "type": "integer",
     "minimum": 0,
     "default": 0,
     "maximum": 1000000000
    }
   }
  },
  "responses": {
   "Error": {
    "description": "An error",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     },
     "text/html": {
      "schema": {
       "type": "string"
      }
     }
    }
   }
  },
  "schemas": {
   "Error": {
    "type": "object",
    "required": [
     "error"
    ],
    "properties": {
     "error": {
      "type": "object",
      "required": [
       "code",
       "message"
      ],
      "properties": {
       "code": {
        "type": "string"
       },
       "message": {
        "type": "string"
       },
       "run_id": {
        "type": "integer",
        "nullable": true
       },
       "request_id": {
        "type": "string"
       }
      }
     }
    }
   },
   "Meta": {
    "type": "object",
    "required": [
     "request_id",
     "api_latency_ms"
    ],
    "properties": {
     "request_id": {
      "type": "string"
     },
     "api_latency_ms": {
      "type": "number"
     },
     "ignored_parameters": {
      "type": "array",
      "items": {
       "type": "string"
      },
      "description": "Query parameters the endpoint does not know, ignored"
     }
    }
   },
   "Pagination": {
    "type": "object",
    "required": [
     "limit",
     "offset",
     "returned",
     "total"
    ],
    "properties": {
     "limit": {
      "type": "integer"
     },
     "offset": {
      "type": "integer"
     },
     "returned": {
      "type": "integer"
     },
     "total": {
      "type": "integer"
     }
    }
   },
   "UnifiedRecord": {
    "type": "object",
    "required": [
     "id",
     "ticker",
     "name",
     "price_usd",
     "market_cap_usd",
     "volume_24h_usd",
     "percent_change_24h",
     "rank",
     "source",
     "source_asset_id",
     "created_at",
     "ingested_at"
    ],
    "properties": {
     "id": {
      "type": "string"
     },
     "ticker": {
      "type": "string"
     },
     "name": {
      "type": "string",
      "nullable": true
     },
     "price_usd": {
      "type": "number"
     },
     "market_cap_usd": {
      "type": "number",
      "nullable": true
     },
     "volume_24h_usd": {
      "type": "number",
      "nullable": true
     },
     "percent_change_24h": {
      "type": "number",
      "nullable": true
     },
     "rank": {
      "type": "integer",
      "nullable": true
     },
     "source": {
      "type": "string"
     },
     "source_asset_id": {
      "type": "string"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "ingested_at": {
      "type": "string",
      "format": "date-time"
     }
    }
   },
   "RecordPage": {
    "type": "object",
    "required": [
     "data",
     "pagination",
     "meta"
    ],
    "properties": {
     "data": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/UnifiedRecord"
      }
     },
     "pagination": {
      "$ref": "#/components/schemas/Pagination"
     },
     "meta": {
      "$ref": "#/components/schemas/Meta"
     }
    }
   },
   "RecordAnswer": {
    "type": "object",
    "required": [
     "data",
     "meta"
    ],
    "properties": {
     "data": {
      "$ref": "#/components/schemas/UnifiedRecord"
     },
     "meta": {
      "$ref": "#/components/schemas/Meta"
     }
    }
   },
   "HistoryPoint": {
    "type": "object",
    "required": [
     "source",
     "source_asset_id",
     "ticker",
     "observed_at",
     "price_usd",
     "market_cap_usd",
     "volume_24h_usd",
     "percent_change_24h",
     "rank"
    ],
    "properties": {
     "source": {
      "type": "string"
     },
     "source_asset_id": {
      "type": "string"
     },
     "ticker": {
      "type": "string"
     },
     "observed_at": {
      "type": "string",
      "format": "date-time"
     },
     "price_usd": {
      "type": "number"
     },
     "market_cap_usd": {
      "type": "number",
      "nullable": true
     },
     "volume_24h_usd": {
      "type": "number",
      "nullable": true
     },
     "percent_change_24h": {
      "type": "number",
      "nullable": true
     },
     "rank": {
      "type": "integer",
      "nullable": true
     }
    }
   },
   "HistoryPage": {
    "type": "object",
    "required": [
     "ticker",
     "data",
     "pagination",
     "meta"
    ],
    "properties": {
     "ticker": {
      "type": "string"
     },
     "data": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/HistoryPoint"
      }
     },
     "pagination": {
      "$ref": "#/components/schemas/Pagination"
     },
     "meta": {
      "$ref": "#/components/schemas/Meta"
     }
    }
   },
   "Run": {
    "type": "object",
    "required": [
     "id",
     "pipeline",
     "source",
     "trigger",
     "status",
     "started_at",
     "finished_at",
     "duration_ms",
     "processed",
     "quarantined",
     "skipped",
     "filtered",
     "message"
    ],
    "properties": {
     "id": {
      "type": "integer"
     },
     "pipeline": {
      "type": "string"
     },
     "source": {
      "type": "string"
     },
     "trigger": {
      "type": "string",
      "enum": [
       "cli",
       "schedule",
       "api"
      ]
     },
     "status": {
      "type": "string",
      "enum": [
       "running",
       "success",
       "failed",
       "interrupted"
      ]
     },
     "started_at": {
      "type": "string",
      "format": "date-time"
     },
     "finished_at": {
      "type": "string",
      "format": "date-time",
      "nullable": true
     },
     "duration_ms": {
      "type": "integer",
      "nullable": true
     },
     "processed": {
      "type": "integer"
     },
     "quarantined": {
      "type": "integer"
     },
     "skipped": {
      "type": "integer"
     },
     "filtered": {
      "type": "integer",
      "description": "records a transform step left out on purpose (filter, dedupe)"
     },
     "message": {
      "type": "string",
      "nullable": true
     }
    }
   },
   "RunPage": {
    "type": "object",
    "required": [
     "data",
     "pagination",
     "meta"
    ],
    "properties": {
     "data": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Run"
      }
     },
     "pagination": {
      "$ref": "#/components/schemas/Pagination"
     },
     "meta": {
      "$ref": "#/components/schemas/Meta"
     }
    }
   },
   "RunAnswer": {
    "type": "object",
    "required": [
     "data",
     "meta"
    ],
    "properties": {
     "data": {
      "allOf": [
       {
        "$ref": "#/components/schemas/Run"
       },
       {
        "type": "object",
        "required": [
         "quarantined_records"
        ],
        "properties": {
         "quarantined_records": {
          "type": "object",
          "required": [
           "total",
           "shown",
           "records"
          ],
          "properties": {
           "total": {
            "type": "integer"
           },
           "shown": {
            "type": "integer"
           },
           "records": {
            "type": "array",
            "items": {
             "type": "object",
             "required": [
              "location",
              "line",
              "field",
              "reason",
              "raw"
             ],
             "properties": {
              "location": {
               "type": "string"
              },
              "line": {
               "type": "integer",
               "nullable": true
              },
              "field": {
               "type": "string",
               "nullable": true
              },
              "reason": {
               "type": "string"
              },
              "raw": {
               "type": "string"
              }
             }
            }
           }
          }
         }
        }
       }
      ]
     },
     "meta": {
      "$ref": "#/components/schemas/Meta"
     }
    }
   },
   "Health": {
    "type": "object",
    "required": [
     "status",
     "database",
     "reasons",
     "last_etl_run",
     "last_etl",
     "last_etl_status",
     "timestamp"
    ],
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "ok",
       "degraded",
       "unavailable"
      ]
     },
     "database": {
      "type": "string",
      "enum": [
       "connected",
       "disconnected"
      ]
     },
     "reasons": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "last_etl_run": {
      "type": "object",
      "nullable": true,
      "required": [
       "id",
       "pipeline",
       "source",
       "status",
       "started_at",
       "finished_at",
       "processed",
       "failed"
      ],
      "properties": {
       "id": {
        "type": "integer"
       },
       "pipeline": {
        "type": "string"
       },
       "source": {
        "type": "string"
       },
       "status": {
        "type": "string"
       },
       "started_at": {
        "type": "string",
        "format": "date-time"
       },
       "finished_at": {
        "type": "string",
        "format": "date-time",
        "nullable": true
       },
       "processed": {
        "type": "integer"
       },
       "failed": {
        "type": "integer"
       },
       "quarantined": {
        "type": "integer"
       },
       "skipped": {
        "type": "integer"
       },
       "filtered": {
        "type": "integer"
       }
      }
     },
     "last_etl": {
      "type": "string",
      "format": "date-time",
      "nullable": true
     },
     "last_etl_status": {
      "type": "string",
      "nullable": true
     },
     "pipelines": {
      "type": "object",
      "additionalProperties": {
       "type": "object",
       "properties": {
        "status": {
         "type": "string",
         "nullable": true
        },
        "run_id": {
         "type": "integer",
         "nullable": true
        },
        "finished_at": {
         "type": "string",
         "format": "date-time",
         "nullable": true
        }
       }
      }
     },
     "timestamp": {
      "type": "string",
      "format": "date-time"
     },
     "request_id": {
      "type": "string"
     }
    }
   },
   "PipelineStats": {
    "type": "object",
    "required": [
     "last_success",
     "last_failure",
     "total_runs",
     "total_processed",
     "total_failed",
     "total_quarantined"
    ],
    "properties": {
     "last_success": {
      "type": "string",
      "format": "date-time",
      "nullable": true
     },
     "last_failure": {
      "type": "string",
      "format": "date-time",
      "nullable": true
     },
     "last_status": {
      "type": "string",
      "nullable": true
     },
     "total_runs": {
      "type": "integer"
     },
     "total_failed": {
      "type": "integer",
      "description": "failed runs"
     },
     "total_processed": {
      "type": "integer"
     },
     "total_quarantined": {
      "type": "integer"
     },
     "total_skipped": {
      "type": "integer"
     },
     "total_filtered": {
      "type": "integer",
      "description": "records transform steps left out on purpose"
     }
    }
   },
   "Stats": {
    "type": "object",
    "required": [
     "total_normalized",
     "last_success",
     "last_failure",
     "meta"
    ],
    "properties": {
     "total_normalized": {
      "type": "integer"
     },
     "last_success": {
      "type": "object",
      "required": [
       "source",
       "finished_at",
       "duration_ms",
       "processed"
      ],
      "properties": {
       "source": {
        "type": "string",
        "nullable": true
       },
       "finished_at": {
        "type": "string",
        "format": "date-time",
        "nullable": true
       },
       "duration_ms": {
        "type": "integer",
        "nullable": true
       },
       "processed": {
        "type": "integer",
        "nullable": true
       }
      }
     },
     "last_failure": {
      "type": "object",
      "required": [
       "source",
       "finished_at",
       "message"
      ],
      "properties": {
       "source": {
        "type": "string",
        "nullable": true
       },
       "finished_at": {
        "type": "string",
        "format": "date-time",
        "nullable": true
       },
       "message": {
        "type": "string",
        "nullable": true
       }
      }
     },
     "meta": {
      "$ref": "#/components/schemas/Meta"
     }
    },
    "additionalProperties": {
     "$ref": "#/components/schemas/PipelineStats"
    }
   },
   "Triggered": {
    "type": "object",
    "required": [
     "status",
     "timestamp",
     "runs",
     "skipped"
    ],
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "triggered"
      ]
     },
     "timestamp": {
      "type": "string",
      "format": "date-time"
     },
     "runs": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "pipeline",
        "run_id"
       ],
       "properties": {
        "pipeline": {
         "type": "string"
        },
        "run_id": {
         "type": "integer"
        }
       }
      }
     },
     "skipped": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "pipeline",
        "reason"
       ],
       "properties": {
        "pipeline": {
         "type": "string"
        },
        "reason": {
         "type": "string"
        },
        "running_run_id": {
         "type": "integer",
         "nullable": true
        }
       }
      }
     },
     "request_id": {
      "type": "string"
     }
    }
   },
   "Index": {
    "type": "object",
    "required": [
     "service",
     "pipelines",
     "endpoints"
    ],
    "properties": {
     "service": {
      "type": "string"
     },
     "pipelines": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "endpoints": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "method",
        "path",
        "summary"
       ],
       "properties": {
        "method": {
         "type": "string"
        },
        "path": {
         "type": "string"
        },
        "summary": {
         "type": "string"
        }
       }
      }
     },
     "request_id": {
      "type": "string"
     }
    }
   }
  }
 }
}
"""#
}
